package dev.tiergate.core.accounting;

import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Where usage records go: appended durably (a local append-only file, or Redis), with totals per
 * {@link UsageKey} kept beside them. Appending never blocks the caller; {@link #close()} writes
 * what is queued before it returns.
 */
public interface UsageStore extends AutoCloseable {

    /** Queues a record to be written. Never blocks. */
    void append(UsageRecord record);

    /** The totals of the keys the query matches. */
    CompletionStage<Map<UsageKey, UsageTotals>> totals(UsageQuery query);

    /** Completes when every record appended before the call is written. */
    CompletionStage<Void> flush();

    /**
     * Records appended but not yet handed to the store's medium (the file's operating system, the
     * Redis connection's socket, or acknowledged): at most what the process would lose if it died now.
     */
    default long pending() {
        return 0;
    }

    @Override
    void close();
}
