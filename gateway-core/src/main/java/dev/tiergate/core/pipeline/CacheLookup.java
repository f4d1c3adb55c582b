package dev.tiergate.core.pipeline;

import static java.util.Objects.requireNonNull;

/**
 * What one cache layer did for a request. {@code ageSeconds} is set on hits, {@code similarity}
 * on semantic hits, {@code storedInputs}/{@code totalInputs} on the per-input embeddings cache.
 */
public record CacheLookup(CacheOutcome outcome, Long ageSeconds, Double similarity, Integer storedInputs,
                          Integer totalInputs) {
    private static final CacheLookup MISS = new CacheLookup(CacheOutcome.MISS, null, null, null, null);
    private static final CacheLookup BYPASS = new CacheLookup(CacheOutcome.BYPASS, null, null, null, null);

    public CacheLookup {
        requireNonNull(outcome, "outcome");
    }

    public static CacheLookup miss() {
        return MISS;
    }

    public static CacheLookup bypass() {
        return BYPASS;
    }

    public static CacheLookup hit(long ageSeconds) {
        return new CacheLookup(CacheOutcome.HIT, ageSeconds, null, null, null);
    }

    public static CacheLookup semanticHit(long ageSeconds, double similarity) {
        return new CacheLookup(CacheOutcome.SEMANTIC_HIT, ageSeconds, similarity, null, null);
    }

    /** The per-input embeddings cache: a hit when every input was stored, else a miss. */
    public static CacheLookup inputs(int stored, int total) {
        return new CacheLookup(stored == total ? CacheOutcome.HIT : CacheOutcome.MISS, null, null, stored, total);
    }

    public boolean isHit() {
        return outcome == CacheOutcome.HIT || outcome == CacheOutcome.SEMANTIC_HIT;
    }
}
