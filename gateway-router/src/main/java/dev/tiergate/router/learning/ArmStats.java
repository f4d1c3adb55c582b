package dev.tiergate.router.learning;

/**
 * Inverse-propensity-weighted sums of the qualities one tier got in one cell: the count, the sum
 * of weights w = 1/p, of w², of w·q, of w·q² and of w·cost. The self-normalised (SNIPS) mean and its
 * variance follow from them, so replicas can add rewards by incrementing shared sums.
 */
public record ArmStats(long n, double w, double w2, double wq, double wq2, double wc) {
    public static final ArmStats EMPTY = new ArmStats(0, 0, 0, 0, 0, 0);

    public ArmStats plus(Reward r) {
        double weight = 1.0 / r.propensity();
        return new ArmStats(n + 1, w + weight, w2 + weight * weight, wq + weight * r.quality(),
                wq2 + weight * r.quality() * r.quality(), wc + weight * r.cost());
    }

    /** Both sums together (one tier over several cells). */
    public ArmStats plus(ArmStats other) {
        return new ArmStats(n + other.n, w + other.w, w2 + other.w2, wq + other.wq, wq2 + other.wq2, wc + other.wc);
    }

    /** The weighted mean quality; NaN when nothing was observed. */
    public double mean() {
        return w > 0 ? wq / w : Double.NaN;
    }

    /** The weighted mean relative cost; NaN when nothing was observed. */
    public double meanCost() {
        return w > 0 ? wc / w : Double.NaN;
    }

    /** The effective sample size (w)² / Σw². */
    public double effectiveN() {
        return w2 > 0 ? w * w / w2 : 0;
    }

    /**
     * The variance of {@link #mean()}: the weighted sample variance over the effective sample size,
     * never below that of a quarter-variance prior worth one observation (a few equal rewards are not
     * certainty).
     */
    public double varianceOfMean() {
        double nEff = effectiveN();
        if (nEff <= 0) {
            return Double.POSITIVE_INFINITY;
        }
        double m = mean();
        double sample = Math.max(0, wq2 / w - m * m);
        return Math.max(sample, 0.25 / (nEff + 1)) / nEff;
    }
}
