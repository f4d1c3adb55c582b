package dev.tiergate.router.classifier;

import java.util.Locale;

/**
 * The classifier's tiers, from cheapest to strongest. Their names are the tier names aliases use
 * by default ({@code small}, {@code mid}, {@code frontier}); the order is the classifier's output
 * order.
 */
public enum ComplexityTier {
    SMALL("small"),
    MID("mid"),
    FRONTIER("frontier");

    private final String id;

    ComplexityTier(String id) {
        this.id = id;
    }

    /** The name in config, headers and the model card. */
    public String id() {
        return id;
    }

    /** The stronger of two tiers. */
    public ComplexityTier atLeast(ComplexityTier floor) {
        return floor.ordinal() > ordinal() ? floor : this;
    }

    public static ComplexityTier of(String id) {
        for (ComplexityTier tier : values()) {
            if (tier.id.equals(id.toLowerCase(Locale.ROOT))) {
                return tier;
            }
        }
        throw new IllegalArgumentException("tier: '" + id + "' (expected: small, mid or frontier)");
    }
}
