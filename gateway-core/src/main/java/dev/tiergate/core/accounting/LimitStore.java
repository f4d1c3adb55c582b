package dev.tiergate.core.accounting;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The counters behind the limits: requests and tokens per scope and minute, spend per scope and
 * UTC month. Implementations are in memory (one gateway) or in Redis (shared by replicas).
 */
public interface LimitStore extends AutoCloseable {

    /**
     * Atomically, across every scope (and every replica sharing the store): when the request and
     * its {@code reservation} fit every limit ({@link LimitKind#reached}), counts the request in
     * each scope's minute and adds the reservation's tokens (to the minute) and cost (to the month);
     * otherwise counts nothing and names the first refusal.
     */
    CompletionStage<LimitCheck> acquire(List<LimitScope> scopes, Instant now, Reservation reservation);

    /**
     * Adds tokens (to the minute of {@code time}) and cost (to its month) to each scope; negative
     * amounts give back what a reservation held and the answer did not use. Never blocks.
     */
    void record(List<String> scopeIds, Instant time, long tokens, long costNanos);

    /** The counters of a scope now, without counting anything. */
    CompletionStage<ScopeUsage> usage(String scopeId, Instant now);

    /** Completes when every {@link #record} made before the call has reached the store. */
    default CompletionStage<Void> flush() {
        return java.util.concurrent.CompletableFuture.completedFuture(null);
    }

    @Override
    default void close() {
    }
}
