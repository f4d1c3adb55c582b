package dev.tiergate.server.auth;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.config.ApiKeyConfig;
import dev.tiergate.core.config.TeamConfig;
import dev.tiergate.core.crypto.Sha256;
import dev.tiergate.core.error.AuthenticationError;
import dev.tiergate.core.pipeline.Caller;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the team of a virtual API key. Keys are known only by their SHA-256; the presented key is
 * hashed (one digest per thread, reused) and looked up by its bytes, and the stored digest
 * compared in constant time. The keys of the team files come first,
 * then those made through the admin API ({@link VirtualKeys}, read on every request so a rotation
 * or revocation counts from the next one), which may expire and carry their own limits.
 */
public final class ApiKeyAuthenticator {
    private static final String BEARER = "Bearer ";
    private static final int MAX_REMEMBERED_CALLERS = 100_000;
    private final Map<Digest, Entry> byHash = new HashMap<>();
    private final Map<String, String> adminIdsByHash = new HashMap<>();
    private final Map<String, TeamConfig> teamsById = new HashMap<>();
    private final VirtualKeys virtualKeys;
    private final Clock clock;
    /** The caller of each virtual key seen, its team carrying the key's limits; bounded by the keys made. */
    private final Map<VirtualKeys.Found, Caller> virtualCallers = new ConcurrentHashMap<>();

    public ApiKeyAuthenticator(Iterable<TeamConfig> teams) {
        this(teams, List.of());
    }

    /** Team keys, and admin keys ({@code admin-keys} in gateway.yaml) that may read every team's usage. */
    public ApiKeyAuthenticator(Iterable<TeamConfig> teams, List<ApiKeyConfig> adminKeys) {
        this(teams, adminKeys, VirtualKeys.NONE, Clock.systemUTC());
    }

    /** Team keys, admin keys, and the keys made through the admin API, expiring by {@code clock}. */
    public ApiKeyAuthenticator(Iterable<TeamConfig> teams, List<ApiKeyConfig> adminKeys, VirtualKeys virtualKeys,
                               Clock clock) {
        this.virtualKeys = requireNonNull(virtualKeys, "virtualKeys");
        this.clock = requireNonNull(clock, "clock");
        for (TeamConfig team : teams) {
            teamsById.put(team.id(), team);
            for (ApiKeyConfig key : team.keys()) {
                byte[] digest = HexFormat.of().parseHex(key.sha256());
                byHash.put(new Digest(digest), new Entry(digest, new Caller(team, key.id())));
            }
        }
        for (ApiKeyConfig key : adminKeys) {
            adminIdsByHash.put(key.sha256(), key.id());
        }
    }

    /** The id of the admin key in an {@code Authorization} header value, or null when it is not one. */
    public String admin(String authorization) {
        if (adminIdsByHash.isEmpty() || authorization == null
                || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        return adminIdsByHash.get(HexFormat.of().formatHex(sha256(authorization.substring(BEARER.length()).trim())));
    }

    /** Whether an {@code Authorization} header value carries a key of a team or an admin key. */
    public boolean recognises(String authorization) {
        if (admin(authorization) != null) {
            return true;
        }
        try {
            authenticate(authorization);
            return true;
        } catch (AuthenticationError e) {
            return false;
        }
    }

    /** The caller for an {@code Authorization} header value; AuthenticationError when absent or unknown. */
    public Caller authenticate(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw new AuthenticationError("Missing API key: send it as 'Authorization: Bearer <key>'"
                    + " (or, from an Anthropic client, 'x-api-key: <key>').",
                    "missing_api_key", null);
        }
        if (!authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw new AuthenticationError("Malformed Authorization header (expected: 'Bearer <key>').",
                    "invalid_api_key", null);
        }
        String key = authorization.substring(BEARER.length()).trim();
        byte[] digest = sha256(key);
        Entry entry = byHash.get(new Digest(digest));
        if (entry != null && MessageDigest.isEqual(entry.digest, digest)) {
            return entry.caller;
        }
        VirtualKeys.Found made = virtualKeys.byHash(HexFormat.of().formatHex(digest));
        TeamConfig team = made == null ? null : teamsById.get(made.team());
        if (team == null) {
            throw new AuthenticationError("Incorrect API key provided.", "invalid_api_key", null);
        }
        if (made.expiresAt() != null && !clock.instant().isBefore(made.expiresAt())) {
            throw new AuthenticationError("The API key has expired.", "expired_api_key", null);
        }
        if (virtualCallers.size() > MAX_REMEMBERED_CALLERS) {
            virtualCallers.clear();
        }
        return virtualCallers.computeIfAbsent(made, found -> new Caller(withKeyLimits(team, found), found.id()));
    }

    /** The team whose accounting settings carry the virtual key's limits (the team's own stay). */
    private static TeamConfig withKeyLimits(TeamConfig team, VirtualKeys.Found key) {
        if (!key.limits().any()) {
            return team;
        }
        return team.withAccounting(team.accounting().withKeyLimits(key.id(), key.limits()));
    }

    public static byte[] sha256(String key) {
        return Sha256.of(key.getBytes(StandardCharsets.UTF_8));
    }

    private record Entry(byte[] digest, Caller caller) {
    }

    /** A SHA-256 digest as a map key (by content). */
    private record Digest(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Digest other && Arrays.equals(bytes, other.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }
}
