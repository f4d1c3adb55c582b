package dev.tiergate.router.policy;

import dev.tiergate.router.classifier.CalibrationCurve;

/**
 * What a team asks of the router instead of hand-set thresholds (YAML {@code quality-target},
 * {@code max-frontier-share}); the thresholds come from the calibration curve shipped with the model.
 *
 * <p>The curve says what share {@code kept(t)} of the frontier's quality remains when prompts scoring
 * below {@code t} go to the small model and the rest to the frontier. Three tiers need an assumption
 * about the mid one: here, that it recovers at least half of the small-to-frontier quality gap on the
 * prompts it gets. For a target {@code q} the frontier threshold is the highest {@code t} with {@code
 * kept(t) >= (3q - 1) / 2} and the mid threshold the highest with {@code kept(t) >= (1 + q) / 2}:
 * their average is {@code q}, which is what the mid band, at half the gap, then keeps. Both rise as
 * {@code q} falls. {@code maxFrontierShare} raises the frontier threshold, where needed, until at
 * most that share of the curve's prompts goes to frontier (the cap wins over the target); with a cap
 * alone, the target is the one the capped frontier threshold stands for.
 *
 * @param qualityTarget    the share of the frontier's quality to keep, in (0, 1]; null for none
 * @param maxFrontierShare the largest share of prompts to send to frontier, in [0, 1]; null for none
 */
public record QualityGoal(Double qualityTarget, Double maxFrontierShare) {
    /** The quality target of a team that sets neither thresholds nor a goal. */
    public static final double DEFAULT_QUALITY_TARGET = 0.95;

    public QualityGoal {
        if (qualityTarget == null && maxFrontierShare == null) {
            throw new IllegalArgumentException("quality goal: neither quality-target nor max-frontier-share");
        }
        if (qualityTarget != null && !(qualityTarget > 0.0 && qualityTarget <= 1.0)) {
            throw new IllegalArgumentException("quality-target: " + qualityTarget + " (expected: in (0, 1])");
        }
        if (maxFrontierShare != null && !(maxFrontierShare >= 0.0 && maxFrontierShare <= 1.0)) {
            throw new IllegalArgumentException("max-frontier-share: " + maxFrontierShare + " (expected: in [0, 1])");
        }
    }

    public static QualityGoal defaults() {
        return new QualityGoal(DEFAULT_QUALITY_TARGET, null);
    }

    /** This goal's thresholds on the score of the model {@code curve} was measured for. */
    public Thresholds thresholds(CalibrationCurve curve) {
        double frontier = qualityTarget != null ? curve.thresholdForQuality((3.0 * qualityTarget - 1.0) / 2.0) : 0.0;
        if (maxFrontierShare != null) {
            frontier = Math.max(frontier, curve.thresholdForFrontierShare(maxFrontierShare));
        }
        double target = qualityTarget != null ? qualityTarget : (2.0 * curve.qualityKeptAt(frontier) + 1.0) / 3.0;
        double mid = Math.min(frontier, curve.thresholdForQuality((1.0 + target) / 2.0));
        return Thresholds.of(mid, frontier);
    }
}
