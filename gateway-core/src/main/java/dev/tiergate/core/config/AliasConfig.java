package dev.tiergate.core.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An alias model such as {@code auto}: tiers from cheapest to strongest, each an ordered list of
 * models (the first available one answers). {@code defaultTier} is used when no router chose one.
 */
public record AliasConfig(String name, Map<String, List<String>> tiers, String defaultTier) {
    public AliasConfig {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        tiers.forEach((tier, models) -> copy.put(tier, List.copyOf(models)));
        tiers = java.util.Collections.unmodifiableMap(copy);
    }
}
