package dev.tiergate.cache.exact;

/**
 * A snapshot of the exact cache's counters, for metrics ({@code tiergate.cache.*}).
 *
 * @param hits        lookups answered from the cache
 * @param misses      lookups that went on to the provider
 * @param bypasses    requests that did not use the cache (header, or a sampling request the team does not cache)
 * @param stores      answers written to the cache
 * @param rejected    answers not written: errors, truncated or cancelled streams, other finish reasons, too large
 * @param evictions   entries removed to stay under the size bound
 * @param expirations entries removed because their TTL passed
 * @param entries     entries held now
 * @param bytes       approximate bytes held now
 */
public record ExactCacheStats(
        long hits,
        long misses,
        long bypasses,
        long stores,
        long rejected,
        long evictions,
        long expirations,
        long entries,
        long bytes) {
}
