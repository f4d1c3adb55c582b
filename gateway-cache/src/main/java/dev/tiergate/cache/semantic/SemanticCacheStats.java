package dev.tiergate.cache.semantic;

/**
 * A snapshot of the semantic cache's counters, for metrics ({@code tiergate.cache.semantic.*}).
 *
 * @param hits          requests answered from a similar earlier prompt
 * @param misses        lookups that went on to the provider
 * @param bypasses      requests that asked not to use caches, or sampling requests when those are not cached
 * @param skipped       requests not looked up: nothing to compare (no trailing user text, non-text parts, too
 *                      long), or shed under load because every embedding worker was busy
 * @param stores        answers written
 * @param rejected      answers not written: errors, cancelled or truncated streams, finish reasons, size
 * @param storeErrors   lookups or writes the store failed (Redis down, timeouts); the request went on
 * @param embedErrors   embeddings that failed; the request went on
 * @param decodeErrors  entries found that could not be read (wrong key, corrupt); treated as misses
 */
public record SemanticCacheStats(
        long hits,
        long misses,
        long bypasses,
        long skipped,
        long stores,
        long rejected,
        long storeErrors,
        long embedErrors,
        long decodeErrors) {
}
