package dev.tiergate.core.pipeline;

import static java.util.Objects.requireNonNull;

/**
 * Who answered: the provider and configured model (for a cache hit, the ones that answered the
 * stored request), the tier it belongs to (null outside an alias), the upstream attempts it took
 * (0: answered from a cache) and, when a fallback model answered, the model it fell back from.
 */
public record Served(String provider, String model, String tier, int attempts, String fallbackFrom) {
    public Served {
        requireNonNull(model, "model");
        if (attempts < 0) {
            throw new IllegalArgumentException("attempts: " + attempts + " (expected: >= 0)");
        }
    }

    /** An answer replayed from a cache. */
    public static Served fromCache(String provider, String model, String tier) {
        return new Served(provider, model, tier, 0, null);
    }

    public boolean fromCache() {
        return attempts == 0;
    }
}
