package dev.tiergate.cache.semantic.store;

import static java.util.Objects.requireNonNull;

import java.util.function.Predicate;

/**
 * A lookup: the partition, the query's LSH bands (one per table), its unit vector, the least
 * cosine similarity that counts, a filter on the candidates' encoded guard features, and how many
 * candidates to verify at most.
 */
public record StoreQuery(
        String partition,
        int[] bands,
        float[] vector,
        double minSimilarity,
        Predicate<String> featuresFilter,
        int maxCandidates) {

    public StoreQuery {
        requireNonNull(partition, "partition");
        requireNonNull(bands, "bands");
        requireNonNull(vector, "vector");
        requireNonNull(featuresFilter, "featuresFilter");
        if (maxCandidates <= 0) {
            throw new IllegalArgumentException("maxCandidates: " + maxCandidates + " (expected: > 0)");
        }
    }
}
