package dev.tiergate.core.accounting;

import dev.tiergate.core.config.ModelConfig;
import dev.tiergate.core.config.Pricing;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;

/**
 * Turns an answered request into its {@link UsageRecord}: the cost at the answering model's
 * price, and the saving against a baseline.
 * <ul>
 *   <li>A cache hit costs nothing; it saves what the original call cost: the stored answer's
 *       tokens at the price of the model that answered originally.</li>
 *   <li>Otherwise the saving is the price difference, on the same tokens, between the baseline
 *       model and the model that answered (negative when the answering model is dearer).</li>
 *   <li>No baseline, or the baseline answered: no saving.</li>
 *   <li>An answer a cascade escalated ({@link UsageRecord#ESCALATED}) saved nothing: its cost
 *       is paid on top of the answer given, a negative saving of the same amount.</li>
 * </ul>
 * A model without a configured price costs 0 (the gateway warns about it at start-up).
 */
public final class Accountant {
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
        BigDecimal answeringCost = Costs.usd(r.tokens(), pricing(r.model()));
        BigDecimal cost;
        BigDecimal saving;
        SavingReason reason;
        String baseline = r.baselineModel();
        if (r.cacheHit()) {
            cost = BigDecimal.ZERO;
            saving = answeringCost;
            reason = SavingReason.CACHE_HIT;
            baseline = r.model();
        } else if (UsageRecord.ESCALATED.equals(r.outcome())) {
            cost = answeringCost;
            saving = answeringCost.negate();
            reason = SavingReason.ESCALATION;
        } else if (baseline != null && !baseline.equals(r.model()) && prices.containsKey(baseline)) {
            cost = answeringCost;
            saving = Costs.normalize(Costs.usd(r.tokens(), pricing(baseline)).subtract(answeringCost));
            reason = SavingReason.ROUTED;
        } else {
            cost = answeringCost;
            saving = BigDecimal.ZERO;
            reason = SavingReason.NONE;
        }
        TokenCounts t = r.tokens();
        return new UsageRecord(r.requestId(), r.timestamp(), r.team(), r.keyId(), r.requestedModel(), r.model(),
                r.provider(), r.tier(), r.cache() == null ? null : r.cache().headerValue(), r.stream(), r.outcome(),
                t.input(), t.output(), t.cachedInput(), t.source(), cost, saving, reason, baseline);
    }
}
