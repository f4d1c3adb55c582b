package dev.tiergate.core.config;

import dev.tiergate.core.accounting.Limits;
import java.util.Map;
import java.util.Set;

/**
 * The accounting settings of a team file: the team's {@code limits}, each key's
 * ({@code keys[].limits}, by key id), {@code log-prompts} (prompt and completion text in the
 * request log; off by default), {@code baseline-model}, what a request for an alias is compared
 * with when its saving is computed, {@code allow-priced-fields} (request fields that change what a
 * provider charges or keeps, which the gateway cannot price: refused unless listed) and
 * {@code on-budget} (what happens past the soft budget: {@code reject} nothing more, or
 * {@code degrade} alias requests to the cheapest tier).
 */
public record TeamAccountingConfig(Limits limits, Map<String, Limits> keyLimits, boolean logPrompts,
                                   String baselineModel, Set<String> allowedPricedFields, BudgetPolicy onBudget) {
    /** Request fields that change the price or what the provider keeps: {@code service_tier}, {@code store}, {@code metadata}. */
    public static final Set<String> PRICED_FIELDS = Set.of("service_tier", "store", "metadata");
    public static final TeamAccountingConfig DEFAULTS = new TeamAccountingConfig(Limits.NONE, Map.of(), false, null,
            Set.of(), BudgetPolicy.REJECT);

    /** What a team past its soft budget gets. */
    public enum BudgetPolicy {
        /** Answered as before; refused at the hard budget. */
        REJECT,
        /** Alias requests are served by the cheapest tier (header {@code x-tiergate-budget-degraded}); refused at the hard budget. */
        DEGRADE
    }

    public TeamAccountingConfig {
        limits = limits == null ? Limits.NONE : limits;
        keyLimits = keyLimits == null ? Map.of() : Map.copyOf(keyLimits);
        allowedPricedFields = allowedPricedFields == null ? Set.of() : Set.copyOf(allowedPricedFields);
        onBudget = onBudget == null ? BudgetPolicy.REJECT : onBudget;
    }

    /** These settings with {@code limits} for the key {@code keyId} (replacing any it had). */
    public TeamAccountingConfig withKeyLimits(String keyId, Limits limits) {
        Map<String, Limits> next = new java.util.HashMap<>(keyLimits);
        next.put(keyId, limits);
        return new TeamAccountingConfig(this.limits, next, logPrompts, baselineModel, allowedPricedFields, onBudget);
    }

    public Limits keyLimits(String keyId) {
        return keyLimits.getOrDefault(keyId, Limits.NONE);
    }
}
