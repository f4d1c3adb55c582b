package dev.tiergate.core.accounting;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * What a request (or a sum of requests) would have cost at its baseline, and why it cost less or
 * more, in whole nano-dollars: the baseline is the requested model (or the team's baseline model
 * for an alias) on the answer's tokens with no cache of ours, no provider prompt-cache discount
 * and no routing; each reason holds its part of the saving. The reasons sum to the baseline minus
 * the actual cost exactly: each part is a difference of two costs rounded to nano-dollars once,
 * and the differences telescope.
 * <ul>
 *   <li>{@code exactCache}, {@code semanticCache}: answered from our cache, what the original
 *       call cost (the rest of the baseline is that call's routing and prompt-cache saving).</li>
 *   <li>{@code routing}: the baseline model's undiscounted cost minus the answering model's.</li>
 *   <li>{@code promptCache}: the answering model's undiscounted cost minus what it was billed
 *       with the provider's prompt-cache reads and writes (negative when writes cost more than
 *       reads saved).</li>
 *   <li>{@code escalation}: an answer a cascade paid for and escalated away from, negative.</li>
 *   <li>{@code shadowCheck}: a shadow call of the semantic cache's online verification, negative.</li>
 *   <li>{@code failedAttempts}: an upstream attempt billed without giving the answer (discarded
 *       for a fallback, abandoned after it was sent), negative.</li>
 * </ul>
 */
public record SavingsLedger(long baselineNanos, long exactCacheNanos, long semanticCacheNanos, long routingNanos,
                            long promptCacheNanos, long escalationNanos, long shadowCheckNanos,
                            long failedAttemptsNanos) {
    public static final SavingsLedger ZERO = new SavingsLedger(0, 0, 0, 0, 0, 0, 0, 0);

    /**
     * A request answered from one of our caches ({@code semantic}: the semantic one), which costs
     * nothing: the whole baseline is saved. Without the cache the request would have taken the
     * way the stored answer took, so the saving splits as that answer's did: routing (the baseline
     * minus the answering model's undiscounted cost), the provider's prompt cache (that minus what
     * the original call was billed), and our cache (what the original call was billed).
     */
    public static SavingsLedger cacheHit(long baselineNanos, long answeringFullNanos, long originalNanos,
                                         boolean semantic) {
        return new SavingsLedger(baselineNanos, semantic ? 0 : originalNanos, semantic ? originalNanos : 0,
                baselineNanos - answeringFullNanos, answeringFullNanos - originalNanos, 0, 0, 0);
    }

    /**
     * A request a model answered: {@code answeringFullNanos} is that model's cost without the
     * provider's prompt-cache discount, {@code actualNanos} what it was billed.
     */
    public static SavingsLedger answered(long baselineNanos, long answeringFullNanos, long actualNanos) {
        return new SavingsLedger(baselineNanos, 0, 0, baselineNanos - answeringFullNanos,
                answeringFullNanos - actualNanos, 0, 0, 0);
    }

    /** A cost on top of the answer (no baseline): {@code actualNanos} as a negative saving of the given reason. */
    public static SavingsLedger extraSpend(SavingReason reason, long actualNanos) {
        return switch (reason) {
            case ESCALATION -> new SavingsLedger(0, 0, 0, 0, 0, -actualNanos, 0, 0);
            case SHADOW_CHECK -> new SavingsLedger(0, 0, 0, 0, 0, 0, -actualNanos, 0);
            default -> new SavingsLedger(0, 0, 0, 0, 0, 0, 0, -actualNanos);
        };
    }

    /**
     * The ledger of a record written before ledgers existed, as {@code /v1/usage} split savings
     * then: an answer from our cache saved its baseline (its saving) in that cache, any other
     * saving was routing; escalations and shadow checks are their cost, negative.
     */
    public static SavingsLedger legacy(long costNanos, long savingNanos, SavingReason reason, String cache) {
        long baseline = costNanos + savingNanos;
        return switch (reason) {
            case ESCALATION, SHADOW_CHECK -> extraSpend(reason, costNanos);
            default -> "hit".equals(cache) || "semantic-hit".equals(cache)
                    ? cacheHit(savingNanos, savingNanos, savingNanos, "semantic-hit".equals(cache))
                    : new SavingsLedger(baseline, 0, 0, savingNanos, 0, 0, 0, 0);
        };
    }

    /** The sum of the reasons: the baseline minus the actual cost. */
    @JsonIgnore
    public long savingNanos() {
        return exactCacheNanos + semanticCacheNanos + routingNanos + promptCacheNanos + escalationNanos
                + shadowCheckNanos + failedAttemptsNanos;
    }

    /** What was paid: the baseline minus the saving. */
    @JsonIgnore
    public long actualNanos() {
        return baselineNanos - savingNanos();
    }

    public SavingsLedger plus(SavingsLedger o) {
        return new SavingsLedger(baselineNanos + o.baselineNanos, exactCacheNanos + o.exactCacheNanos,
                semanticCacheNanos + o.semanticCacheNanos, routingNanos + o.routingNanos,
                promptCacheNanos + o.promptCacheNanos, escalationNanos + o.escalationNanos,
                shadowCheckNanos + o.shadowCheckNanos, failedAttemptsNanos + o.failedAttemptsNanos);
    }
}
