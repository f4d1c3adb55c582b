package dev.tiergate.router.classifier;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The classifier's output for one prompt: a probability per {@link ComplexityTier}, in tier
 * order, summing to 1.
 */
public record Classification(float[] probabilities) {

    public Classification {
        if (probabilities.length != ComplexityTier.values().length) {
            throw new IllegalArgumentException("probabilities: " + probabilities.length
                    + " values (expected: " + ComplexityTier.values().length + ", one per tier)");
        }
        probabilities = probabilities.clone();
    }

    public double probability(ComplexityTier tier) {
        return probabilities[tier.ordinal()];
    }

    /**
     * The complexity score in [0, 1]: the expected tier index over the largest index,
     * {@code 0.5 * p(mid) + 1.0 * p(frontier)}. It grows whenever probability moves from a tier
     * to a stronger one, so it is monotone in the classifier's belief that the prompt needs a
     * stronger model.
     */
    public double score() {
        int top = probabilities.length - 1;
        double expected = 0;
        for (int i = 1; i <= top; i++) {
            expected += i * (double) probabilities[i];
        }
        return Math.clamp(expected / top, 0.0, 1.0);
    }

    /** Probabilities by tier id, in tier order. */
    public Map<String, Double> byTier() {
        Map<String, Double> out = new LinkedHashMap<>();
        for (ComplexityTier tier : ComplexityTier.values()) {
            out.put(tier.id(), (double) probabilities[tier.ordinal()]);
        }
        return out;
    }
}
