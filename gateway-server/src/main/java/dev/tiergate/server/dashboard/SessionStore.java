package dev.tiergate.server.dashboard;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The dashboard's sessions, in memory (per replica): each is found by the SHA-256 of its token, so
 * the token itself is never kept. At most {@code capacity} sessions (a new one beyond that drops
 * the oldest); each lasts {@code lifetime} from its login.
 */
public final class SessionStore {
    public static final Duration LIFETIME = Duration.ofHours(8);
    public static final int CAPACITY = 1000;
    private static final Base64.Encoder TOKENS = Base64.getUrlEncoder().withoutPadding();

    private final Clock clock;
    private final Duration lifetime;
    private final int capacity;
    private final SecureRandom random = new SecureRandom();
    /** Sessions by the hex SHA-256 of their token, oldest first. */
    private final Map<String, Session> byDigest = new LinkedHashMap<>();

    public SessionStore(Clock clock) {
        this(clock, LIFETIME, CAPACITY);
    }

    public SessionStore(Clock clock, Duration lifetime, int capacity) {
        this.clock = requireNonNull(clock, "clock");
        this.lifetime = requireNonNull(lifetime, "lifetime");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: >= 1)");
        }
        this.capacity = capacity;
    }

    /** A new session of {@code admin}: its token (256 random bits, base64url) and the session. */
    public Login open(String admin) {
        byte[] bits = new byte[32];
        random.nextBytes(bits);
        String token = TOKENS.encodeToString(bits);
        Session session = new Session(admin, clock.instant().plus(lifetime));
        synchronized (byDigest) {
            dropExpired();
            byDigest.put(digest(token), session);
            Iterator<String> oldest = byDigest.keySet().iterator();
            while (byDigest.size() > capacity) {
                oldest.next();
                oldest.remove();
            }
        }
        return new Login(token, session);
    }

    /** The live session of {@code token}, or null (none, unknown or expired). */
    public Session find(String token) {
        if (token == null || token.isEmpty()) {
            return null;
        }
        String digest = digest(token);
        synchronized (byDigest) {
            Session session = byDigest.get(digest);
            if (session != null && !clock.instant().isBefore(session.expiresAt())) {
                byDigest.remove(digest);
                return null;
            }
            return session;
        }
    }

    /** Ends the session of {@code token}; the one it was, or null. */
    public Session close(String token) {
        if (token == null || token.isEmpty()) {
            return null;
        }
        synchronized (byDigest) {
            return byDigest.remove(digest(token));
        }
    }

    /** Sessions held now (expired ones included until they are next looked at or pushed out). */
    public int size() {
        synchronized (byDigest) {
            return byDigest.size();
        }
    }

    public Duration lifetime() {
        return lifetime;
    }

    private void dropExpired() {
        Instant now = clock.instant();
        byDigest.values().removeIf(s -> !now.isBefore(s.expiresAt()));
    }

    private static String digest(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** A login's token, to give to the browser once, and its session. */
    public record Login(String token, Session session) {
        @Override
        public String toString() {
            return "Login[session=" + session + "]";
        }
    }
}
