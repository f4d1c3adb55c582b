package dev.tiergate.router.learning;

import dev.tiergate.core.config.AliasConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The cost of an alias's tier relative to its most expensive one, in [0, 1]: the λ·cost part of the
 * bandit's reward. The composition root prices each tier by its first model.
 */
@FunctionalInterface
public interface TierCosts {

    double relativeCost(AliasConfig alias, String tier);

    /** Without prices: the tier's position, from 0 (cheapest) to 1 (strongest). */
    static TierCosts byPosition() {
        return (alias, tier) -> {
            List<String> names = new ArrayList<>(alias.tiers().keySet());
            return names.size() <= 1 ? 1.0 : (double) Math.max(0, names.indexOf(tier)) / (names.size() - 1);
        };
    }
}
