package dev.tiergate.server.admin;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.accounting.Limits;
import dev.tiergate.core.config.ApiKeyConfig;
import dev.tiergate.core.config.GatewayConfig;
import dev.tiergate.core.config.TeamConfig;
import dev.tiergate.core.error.ConflictError;
import dev.tiergate.core.error.InvalidRequestError;
import dev.tiergate.core.error.NotFoundError;
import dev.tiergate.server.auth.ApiKeyAuthenticator;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Makes, rotates and revokes the virtual keys of teams. A secret is 32 random bytes
 * ({@code sk-tg-} and base64url), returned once by {@link #create} or {@link #rotate} and stored only
 * as its SHA-256. Blocking (the store writes); runs on the admin thread.
 */
public final class KeyAdmin {
    static final String SECRET_PREFIX = "sk-tg-";

    private final VirtualKeyStore store;
    private final Supplier<GatewayConfig> config;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public KeyAdmin(VirtualKeyStore store, Supplier<GatewayConfig> config, Clock clock) {
        this.store = requireNonNull(store, "store");
        this.config = requireNonNull(config, "config");
        this.clock = requireNonNull(clock, "clock");
    }

    /** A new key and its secret, shown this once. */
    public record Issued(VirtualKey key, String secret) {
    }

    /**
     * Makes a key of {@code team} named {@code id} (null: a generated one), expiring at
     * {@code expiresAt} (null: never) with its own {@code limits} (null: none).
     */
    public synchronized Issued create(String team, String id, Instant expiresAt, Limits limits) {
        TeamConfig teamConfig = config.get().teams().get(requireNonNull(team, "team"));
        if (teamConfig == null) {
            throw new NotFoundError("team: '" + team + "' is not a team of this gateway", "team_not_found", "team");
        }
        String keyId = id != null ? id : "vk-" + UUID.randomUUID().toString().substring(0, 8);
        if (store.byId(keyId) != null || teamConfig.keys().stream().map(ApiKeyConfig::id).anyMatch(keyId::equals)) {
            throw new ConflictError("id: a key named '" + keyId + "' exists (expected: a new id, or rotate it)",
                    "key_exists", "id");
        }
        Instant now = clock.instant();
        if (expiresAt != null && !expiresAt.isAfter(now)) {
            throw new InvalidRequestError("expires_at: " + expiresAt + " (expected: a time in the future)",
                    "invalid_value", "expires_at");
        }
        String secret = secret();
        VirtualKey key;
        try {
            key = new VirtualKey(keyId, team, sha256Hex(secret), now, expiresAt, limits);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestError(e.getMessage(), "invalid_value", "id");
        }
        store.save(key);
        return new Issued(key, secret);
    }

    /** A new secret for the key {@code id}; the old one stops working on every replica's next request. */
    public synchronized Issued rotate(String id) {
        VirtualKey key = existing(id);
        String secret = secret();
        VirtualKey rotated = key.rotated(sha256Hex(secret), clock.instant());
        store.save(rotated);
        return new Issued(rotated, secret);
    }

    /** Removes the key {@code id}; it stops working on every replica's next request. */
    public synchronized VirtualKey revoke(String id) {
        VirtualKey key = existing(id);
        store.delete(id);
        return key;
    }

    /** The keys of {@code team} (null: every team), by id. */
    public List<VirtualKey> list(String team) {
        return store.all().stream().filter(k -> team == null || k.team().equals(team))
                .sorted(Comparator.comparing(VirtualKey::id)).toList();
    }

    public String storeDescription() {
        return store.description();
    }

    private VirtualKey existing(String id) {
        VirtualKey key = store.byId(id);
        if (key == null) {
            throw new NotFoundError("no virtual key '" + id + "' (keys of the team files are changed there)",
                    "key_not_found", "id");
        }
        return key;
    }

    private String secret() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return SECRET_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String sha256Hex(String secret) {
        return HexFormat.of().formatHex(ApiKeyAuthenticator.sha256(secret));
    }
}
