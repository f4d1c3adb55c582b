package dev.tiergate.cache.semantic.store;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * One cache entry: its partition and random id, its LSH bands, its unit vector, its encoded guard
 * features, the answer bytes (as the stage encoded them, possibly encrypted) and its TTL.
 */
public record StoreEntry(
        String partition,
        String id,
        int[] bands,
        float[] vector,
        String features,
        byte[] answer,
        Duration ttl) {

    public StoreEntry {
        requireNonNull(partition, "partition");
        requireNonNull(id, "id");
        requireNonNull(bands, "bands");
        requireNonNull(vector, "vector");
        requireNonNull(features, "features");
        requireNonNull(answer, "answer");
        requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl: " + ttl + " (expected: > 0)");
        }
    }

    /** Approximate bytes held: the answer, the vector, the features and some overhead. */
    public long weight() {
        return 256L + answer.length + 4L * vector.length + 2L * features.length() + 16L * bands.length;
    }
}
