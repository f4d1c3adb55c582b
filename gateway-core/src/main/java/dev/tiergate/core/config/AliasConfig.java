package dev.tiergate.core.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An alias model such as {@code auto}: tiers from cheapest to strongest, each an ordered list of
 * models (the first available one answers). {@code defaultTier} is used when no router chose one.
 * A name with {@code *} ({@code claude-sonnet-*}) is a pattern: it stands for every requested name
 * it matches ({@code *} any run of characters) that is neither a model nor an alias of its own.
 */
public record AliasConfig(String name, Map<String, List<String>> tiers, String defaultTier) {
    public AliasConfig {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        tiers.forEach((tier, models) -> copy.put(tier, List.copyOf(models)));
        tiers = java.util.Collections.unmodifiableMap(copy);
    }

    public boolean isPattern() {
        return name.indexOf('*') >= 0;
    }

    /** Whether this pattern alias stands for {@code requested}; false for an alias that is not a pattern. */
    public boolean matches(String requested) {
        return isPattern() && nameMatches(name, requested);
    }

    /** Whether {@code requested} matches {@code pattern}, whose {@code *} stand for any run of characters. */
    public static boolean nameMatches(String pattern, String requested) {
        if (requested == null) {
            return false;
        }
        if (pattern.indexOf('*') < 0) {
            return pattern.equals(requested);
        }
        String[] parts = pattern.split("\\*", -1);
        if (!requested.startsWith(parts[0])) {
            return false;
        }
        int at = parts[0].length();
        for (int i = 1; i < parts.length - 1; i++) {
            int found = requested.indexOf(parts[i], at);
            if (found < 0) {
                return false;
            }
            at = found + parts[i].length();
        }
        String last = parts[parts.length - 1];
        return requested.length() - at >= last.length() && requested.endsWith(last);
    }

    /** The pattern alias of {@code aliases} that stands for {@code requested}, the longest one if several; or null. */
    public static AliasConfig matching(Map<String, AliasConfig> aliases, String requested) {
        AliasConfig best = null;
        for (AliasConfig alias : aliases.values()) {
            if (alias.matches(requested) && (best == null || alias.name().length() > best.name().length()
                    || alias.name().length() == best.name().length() && alias.name().compareTo(best.name()) < 0)) {
                best = alias;
            }
        }
        return best;
    }
}
