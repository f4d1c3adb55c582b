package dev.tiergate.cache.semantic;

/**
 * A snapshot of the semantic cache's own counters, for metrics. Lookups (hit, miss, bypass,
 * skipped, shed) and failures (store down, embedding failed, entry unreadable: the stage is
 * skipped) are counted by the pipeline runner, per stage step.
 *
 * @param stores      answers written
 * @param rejected    answers not written: errors, cancelled or truncated streams, finish reasons, size
 * @param storeErrors writes the store failed (Redis down, timeouts); the client had its answer
 */
public record SemanticCacheStats(long stores, long rejected, long storeErrors) {
}
