package dev.tiergate.core.accounting;

/**
 * Sums over usage records: requests (and how many of them had estimated tokens), tokens, cost
 * and saving in nano-dollars. Immutable; {@link #plus} adds.
 */
public record UsageTotals(long requests, long estimatedRequests, long inputTokens, long outputTokens,
                          long cachedTokens, long costNanos, long savingNanos) {
    public static final UsageTotals ZERO = new UsageTotals(0, 0, 0, 0, 0, 0, 0);

    public static UsageTotals of(UsageRecord r) {
        return new UsageTotals(1, r.tokensSource() == TokensSource.ESTIMATED ? 1 : 0, r.inputTokens(),
                r.outputTokens(), r.cachedTokens(), r.costNanos(), r.savingNanos());
    }

    public UsageTotals plus(UsageTotals o) {
        return new UsageTotals(requests + o.requests, estimatedRequests + o.estimatedRequests,
                inputTokens + o.inputTokens, outputTokens + o.outputTokens, cachedTokens + o.cachedTokens,
                costNanos + o.costNanos, savingNanos + o.savingNanos);
    }
}
