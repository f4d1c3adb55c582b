package dev.tiergate.core.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Where the Responses API keeps stored responses ({@code responses.*} in gateway.yaml): in this
 * process ({@code memory}, bounded by {@code maxSizeBytes} in all) or in the Redis of
 * {@code redis.url} ({@code redis}, shared by replicas and kept across restarts, each response at
 * most {@code maxEntryBytes}, sealed with the key {@code encryptionKeyBase64} or, without it, the
 * key kept in {@code keyFile}). Each is kept {@code ttl} after it was stored.
 *
 * @param encryptionKeyBase64 base64 of an AES key, or null
 * @param keyFile where the generated key lives without {@code encryptionKeyBase64}; null: beside the usage file
 */
public record ResponsesConfig(Store store, Duration ttl, long maxSizeBytes, long maxEntryBytes,
                              String encryptionKeyBase64, String keyFile) {
    public static final Duration DEFAULT_TTL = Duration.ofDays(30);
    public static final long DEFAULT_MAX_SIZE_BYTES = 64L << 20;
    public static final long DEFAULT_MAX_ENTRY_BYTES = 8L << 20;
    /** The generated key's file name beside the usage file. */
    public static final String KEY_FILE_NAME = "tiergate-responses.key";

    /** {@code responses.store}. */
    public enum Store {
        MEMORY, REDIS
    }

    public ResponsesConfig {
        requireNonNull(store, "store");
        requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl: " + ttl + " (expected: > 0)");
        }
        if (maxSizeBytes <= 0 || maxEntryBytes <= 0) {
            throw new IllegalArgumentException("maxSizeBytes: " + maxSizeBytes + ", maxEntryBytes: " + maxEntryBytes
                    + " (expected: > 0)");
        }
    }

    public static ResponsesConfig defaults() {
        return new ResponsesConfig(Store.MEMORY, DEFAULT_TTL, DEFAULT_MAX_SIZE_BYTES, DEFAULT_MAX_ENTRY_BYTES, null,
                null);
    }

    @Override
    public String toString() {
        return "ResponsesConfig[store=" + store + ", ttl=" + ttl + ", maxSizeBytes=" + maxSizeBytes
                + ", maxEntryBytes=" + maxEntryBytes + ", encryptionKey=" + (encryptionKeyBase64 == null ? "none" : "***")
                + ", keyFile=" + keyFile + "]";
    }
}
