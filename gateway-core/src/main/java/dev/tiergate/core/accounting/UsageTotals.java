package dev.tiergate.core.accounting;

import java.util.Arrays;
import java.util.List;

/**
 * Sums over usage records: requests (and how many of them had estimated tokens), tokens (input,
 * output, read from and written to the provider's prompt cache), cost and saving in nano-dollars,
 * and the savings ledger. Immutable; {@link #plus} adds.
 */
public record UsageTotals(long requests, long estimatedRequests, long inputTokens, long outputTokens,
                          long cachedTokens, long cacheWriteTokens, long costNanos, long savingNanos,
                          SavingsLedger ledger) {
    public static final UsageTotals ZERO = new UsageTotals(0, 0, 0, 0, 0, 0, 0, 0, SavingsLedger.ZERO);
    /** The names of {@link #measures()}, in order: how stores that keep one counter per measure name them. */
    public static final List<String> MEASURES = List.of("requests", "estimated", "input", "output", "cached",
            "cache_write", "cost_nanos", "saving_nanos", "baseline_nanos", "exact_cache_nanos", "semantic_cache_nanos",
            "routing_nanos", "prompt_cache_nanos", "escalation_nanos", "shadow_check_nanos", "failed_attempts_nanos");

    public UsageTotals {
        ledger = ledger == null ? SavingsLedger.ZERO : ledger;
    }

    public static UsageTotals of(UsageRecord r) {
        return new UsageTotals(1, r.tokensSource() == TokensSource.ESTIMATED ? 1 : 0, r.inputTokens(),
                r.outputTokens(), r.cachedTokens(), r.cacheWriteTokens(), r.costNanos(), r.savingNanos(), r.ledger());
    }

    /** Every measure as a number, in the order of {@link #MEASURES}. */
    public long[] measures() {
        SavingsLedger l = ledger;
        return new long[] {requests, estimatedRequests, inputTokens, outputTokens, cachedTokens, cacheWriteTokens,
            costNanos, savingNanos, l.baselineNanos(), l.exactCacheNanos(), l.semanticCacheNanos(), l.routingNanos(),
            l.promptCacheNanos(), l.escalationNanos(), l.shadowCheckNanos(), l.failedAttemptsNanos()};
    }

    /**
     * Totals from measures in the order of {@link #MEASURES} (missing ones are 0). Totals kept before
     * ledgers existed (a cost or saving but no ledger measure) get the ledger
     * {@link SavingsLedger#legacy} makes of them for the key's {@code cache} outcome.
     */
    public static UsageTotals ofMeasures(long[] m, String cache) {
        long[] v = Arrays.copyOf(m, MEASURES.size());
        SavingsLedger ledger = new SavingsLedger(v[8], v[9], v[10], v[11], v[12], v[13], v[14], v[15]);
        if (ledger.equals(SavingsLedger.ZERO) && (v[6] != 0 || v[7] != 0)) {
            ledger = SavingsLedger.legacy(v[6], v[7], SavingReason.NONE, cache);
        }
        return new UsageTotals(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], ledger);
    }

    public UsageTotals plus(UsageTotals o) {
        return new UsageTotals(requests + o.requests, estimatedRequests + o.estimatedRequests,
                inputTokens + o.inputTokens, outputTokens + o.outputTokens, cachedTokens + o.cachedTokens,
                cacheWriteTokens + o.cacheWriteTokens, costNanos + o.costNanos, savingNanos + o.savingNanos,
                ledger.plus(o.ledger));
    }
}
