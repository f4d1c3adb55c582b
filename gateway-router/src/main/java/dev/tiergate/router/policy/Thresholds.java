package dev.tiergate.router.policy;

import dev.tiergate.router.classifier.ComplexityTier;

/**
 * Where the complexity score moves a prompt up a tier: {@code mid} from a score of {@code mid},
 * {@code frontier} from {@code frontier}. Lower thresholds buy quality with cost; higher ones save.
 */
public record Thresholds(double mid, double frontier) {

    public Thresholds {
        if (!(mid >= 0.0 && mid <= 1.0)) {
            throw new IllegalArgumentException("thresholds.mid: " + mid + " (expected: in [0, 1])");
        }
        if (!(frontier >= 0.0 && frontier <= 1.0)) {
            throw new IllegalArgumentException("thresholds.frontier: " + frontier + " (expected: in [0, 1])");
        }
        if (frontier < mid) {
            throw new IllegalArgumentException("thresholds.frontier: " + frontier
                    + " (expected: >= thresholds.mid " + mid + ")");
        }
    }

    public static Thresholds of(double mid, double frontier) {
        return new Thresholds(mid, frontier);
    }

    public ComplexityTier tierFor(double score) {
        if (score >= frontier) {
            return ComplexityTier.FRONTIER;
        }
        return score >= mid ? ComplexityTier.MID : ComplexityTier.SMALL;
    }
}
