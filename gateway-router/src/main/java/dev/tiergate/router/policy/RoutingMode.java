package dev.tiergate.router.policy;

import java.util.Locale;

/** How a team's alias requests pick their tier (YAML {@code router.mode}). */
public enum RoutingMode {
    /** The complexity classifier's score against the thresholds picks the tier (the default). */
    CLASSIFIER,
    /**
     * The cheapest tier answers first; an answer that fails a cheap check ({@link CascadeSettings})
     * is escalated to the next tier.
     */
    CASCADE;

    /** The YAML value: {@code classifier} or {@code cascade}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The mode named {@code id}. */
    public static RoutingMode of(String id) {
        for (RoutingMode mode : values()) {
            if (mode.id().equals(id)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("mode: '" + id + "' (expected: classifier or cascade)");
    }
}
