package dev.tiergate.core.accounting;

import dev.tiergate.core.config.ModelConfig;
import dev.tiergate.core.config.Pricing;
import dev.tiergate.core.pipeline.BilledAttempt;
import dev.tiergate.core.pipeline.CacheOutcome;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Turns an answered request into its {@link UsageRecord}: the cost at the answering model's
 * price (the provider's prompt-cache reads and writes at their own prices), and the saving
 * against a baseline, split by reason in a {@link SavingsLedger}.
 * <ul>
 *   <li>The baseline is the baseline model (the requested model, or the team's baseline for an
 *       alias; the answering model when none is known) on the answer's tokens, all input at the
 *       input price.</li>
 *   <li>A cache hit costs nothing; it saves the whole baseline: what the original call cost in
 *       our cache (exact or semantic), the rest as that call's routing and prompt-cache saving.</li>
 *   <li>Otherwise routing saved the baseline minus the answering model's undiscounted cost, and
 *       the provider's prompt cache that minus what was billed.</li>
 *   <li>An answer a cascade escalated ({@link UsageRecord#ESCALATED}) has no baseline: its cost
 *       is paid on top of the answer given, a negative saving of the same amount; so is an
 *       attempt billed without giving the answer ({@code discarded}, {@code abandoned}).</li>
 * </ul>
 * {@code savingUsd} is the ledger's sum; {@code savingReason} names the main reason as before
 * ({@code cache_hit}, {@code routed} when another model than the baseline answered, else
 * {@code none}). A model without a configured price costs 0 (the gateway warns about it at start-up).
 */
public final class Accountant {
    /** Outcomes of upstream attempts whose answer the client did not get (see {@link UsageRecord}). */
    private static final Set<String> FAILED_ATTEMPTS = Set.of(BilledAttempt.DISCARDED, BilledAttempt.ABANDONED);

    private final Map<String, Pricing> prices;

    public Accountant(Map<String, ModelConfig> models) {
        Map<String, Pricing> byName = new HashMap<>();
        models.forEach((name, model) -> byName.put(name, model.pricing() == null ? Pricing.FREE : model.pricing()));
        this.prices = Map.copyOf(byName);
    }

    public Pricing pricing(String model) {
        return model == null ? Pricing.FREE : prices.getOrDefault(model, Pricing.FREE);
    }

    public UsageRecord account(AnsweredRequest r) {
        TokenCounts t = r.tokens();
        BigDecimal answeringCost = Costs.usd(t, pricing(r.model()));
        String baseline = r.baselineModel();
        boolean knownBaseline = baseline != null && prices.containsKey(baseline);
        long baselineNanos = Costs.toNanos(Costs.usd(t.withoutPromptCache(), pricing(knownBaseline ? baseline : r.model())));
        BigDecimal cost;
        SavingsLedger ledger;
        SavingReason reason;
        if (r.cacheHit()) {
            cost = BigDecimal.ZERO;
            long answeringFull = Costs.toNanos(Costs.usd(t.withoutPromptCache(), pricing(r.model())));
            ledger = SavingsLedger.cacheHit(baselineNanos, answeringFull, Costs.toNanos(answeringCost),
                    r.cache() == CacheOutcome.SEMANTIC_HIT);
            reason = SavingReason.CACHE_HIT;
            baseline = knownBaseline ? baseline : r.model();
        } else if (UsageRecord.ESCALATED.equals(r.outcome())) {
            cost = answeringCost;
            ledger = SavingsLedger.extraSpend(SavingReason.ESCALATION, Costs.toNanos(cost));
            reason = SavingReason.ESCALATION;
        } else if (FAILED_ATTEMPTS.contains(r.outcome())) {
            cost = answeringCost;
            ledger = SavingsLedger.extraSpend(SavingReason.NONE, Costs.toNanos(cost));
            reason = SavingReason.NONE;
        } else {
            cost = answeringCost;
            long answeringFull = Costs.toNanos(Costs.usd(t.withoutPromptCache(), pricing(r.model())));
            ledger = SavingsLedger.answered(baselineNanos, answeringFull, Costs.toNanos(cost));
            reason = knownBaseline && !baseline.equals(r.model()) ? SavingReason.ROUTED : SavingReason.NONE;
        }
        return new UsageRecord(r.requestId(), r.timestamp(), r.team(), r.keyId(), r.requestedModel(), r.model(),
                r.provider(), r.tier(), r.cache() == null ? null : r.cache().headerValue(), r.stream(), r.outcome(),
                t.input(), t.output(), t.cachedInput(), t.source(), cost, Costs.fromNanos(ledger.savingNanos()), reason,
                baseline, t.cacheWrites(), t.cacheWrite1h(), ledger);
    }
}
