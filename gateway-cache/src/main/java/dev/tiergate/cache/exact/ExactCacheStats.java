package dev.tiergate.cache.exact;

/**
 * A snapshot of the exact cache's counters, for metrics ({@code tiergate.cache.*}).
 *
 * (Hits, misses and bypasses are counted by the pipeline runner, per stage step.)
 *
 * @param stores      answers written to the cache
 * @param rejected    answers not written: errors, truncated or cancelled streams, other finish reasons, too large
 * @param evictions   entries removed to stay under the size bound
 * @param expirations entries removed because their TTL passed
 * @param entries     entries held now
 * @param bytes       approximate bytes held now
 */
public record ExactCacheStats(
        long stores,
        long rejected,
        long evictions,
        long expirations,
        long entries,
        long bytes) {
}
