package dev.tiergate.router.learning;

import static java.util.Objects.requireNonNull;

/**
 * How the router learns for one team (YAML {@code router.learning}, overridable per team).
 *
 * @param enabled       whether its routed requests are logged, take feedback and may be learned from
 * @param exploreRate   the largest share of its learnable requests routed to another tier than the
 *                      serving policy's, to learn (default 0.05)
 * @param costWeight    λ in reward = quality − λ · relative cost (default 0.1)
 * @param qualityTarget no tier is learned or explored in a cell where it is known to keep less than
 *                      this share of the best tier's quality there (the router's quality target)
 * @param minSamples    rewards a tier needs in a cell before its estimate is used (default 8)
 * @param confidence    z of the one-sided bound an off-policy estimate must clear (default 1.64, 95%)
 * @param logComments   whether feedback comments are logged (default off: never logged)
 * @param signals       which implicit signals become rewards
 */
public record TeamLearning(boolean enabled, double exploreRate, double costWeight, double qualityTarget,
                           int minSamples, double confidence, boolean logComments, ImplicitSignals signals) {
    public TeamLearning {
        requireNonNull(signals, "signals");
        if (!(exploreRate >= 0 && exploreRate <= 0.5)) {
            throw new IllegalArgumentException("explore-rate: " + exploreRate + " (expected: in [0, 0.5])");
        }
        if (!(costWeight >= 0 && costWeight <= 10)) {
            throw new IllegalArgumentException("cost-weight: " + costWeight + " (expected: in [0, 10])");
        }
        if (!(qualityTarget >= 0 && qualityTarget <= 1)) {
            throw new IllegalArgumentException("quality-target: " + qualityTarget + " (expected: in [0, 1])");
        }
        if (minSamples < 1) {
            throw new IllegalArgumentException("min-samples: " + minSamples + " (expected: >= 1)");
        }
        if (!(confidence >= 0)) {
            throw new IllegalArgumentException("confidence: " + confidence + " (expected: >= 0)");
        }
    }

    public static TeamLearning defaults() {
        return new TeamLearning(true, 0.05, 0.1, 0.95, 8, 1.64, false, ImplicitSignals.defaults());
    }

    public TeamLearning withQualityTarget(double target) {
        return new TeamLearning(enabled, exploreRate, costWeight, target, minSamples, confidence, logComments, signals);
    }

    public TeamLearning withEnabled(boolean on) {
        return new TeamLearning(on, exploreRate, costWeight, qualityTarget, minSamples, confidence, logComments,
                signals);
    }
}
