package dev.tiergate.router.policy;

import dev.tiergate.router.classifier.CalibrationCurve;

/**
 * What a team asks of the router instead of hand-set thresholds (YAML {@code quality-target},
 * {@code max-frontier-share}); the thresholds come from the calibration curve shipped with the model.
 *
 * <p>The frontier threshold is the highest that keeps {@code qualityTarget} of the frontier's
 * quality on the curve, counting every prompt below it at the small model's quality; with {@code
 * maxFrontierShare} it is raised, where needed, until at most that share of the curve's prompts go
 * to frontier (the cap wins over the target). The mid threshold is the one a target halfway between
 * the quality kept there and 1 would set for frontier: the mid tier takes the band a stricter team
 * would send to frontier. So, as long as the mid tier is no worse than the small one, the quality
 * kept is at least what the frontier threshold keeps alone.
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
        double frontier = qualityTarget != null ? curve.thresholdForQuality(qualityTarget) : 0.0;
        if (maxFrontierShare != null) {
            frontier = Math.max(frontier, curve.thresholdForFrontierShare(maxFrontierShare));
        }
        double kept = curve.qualityKeptAt(frontier);
        double mid = Math.min(frontier, curve.thresholdForQuality(kept + (1.0 - kept) / 2.0));
        return Thresholds.of(mid, frontier);
    }
}
