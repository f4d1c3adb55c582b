package dev.tiergate.router.learning;

import java.util.Map;

/**
 * A learned policy: the cells where it routes to another tier than the static router, and the
 * tier it routes to. Every other cell keeps the static choice, so the empty table (version 0) is
 * the static router. {@code version} grows by one with each promotion.
 */
public record PolicyTable(long version, Map<String, String> switches) {
    public static final PolicyTable STATIC = new PolicyTable(0, Map.of());

    public PolicyTable {
        switches = Map.copyOf(switches);
    }

    /** The tier for a cell whose static choice is {@code staticTier}. */
    public String tierFor(String cell, String staticTier) {
        return switches.getOrDefault(cell, staticTier);
    }
}
