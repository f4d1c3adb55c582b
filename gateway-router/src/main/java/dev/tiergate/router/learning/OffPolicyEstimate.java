package dev.tiergate.router.learning;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Estimates, from logged decisions and their rewards, what a policy would have earned: per cell and
 * tier the self-normalised inverse-propensity (SNIPS) mean of reward = quality − λ·cost (each reward
 * weighted by 1 / the propensity its tier had when it was chosen; the cost is the one logged with
 * the decision), and for a policy the mean over
 * cells weighted by how many rewards each cell got (stratified IPS). Two policies are compared by
 * the difference of their estimates and its standard error; the difference is supported when it
 * clears {@code confidence} standard errors.
 */
public final class OffPolicyEstimate {
    private final TeamStats stats;
    private final TeamLearning settings;
    private final Map<String, Long> cellCounts = new HashMap<>();
    private final long total;

    public OffPolicyEstimate(TeamStats stats, TeamLearning settings) {
        this.stats = stats;
        this.settings = settings;
        long n = 0;
        for (Map.Entry<String, ArmStats> arm : stats.arms().entrySet()) {
            String cell = arm.getKey().substring(0, arm.getKey().lastIndexOf('|'));
            cellCounts.merge(cell, arm.getValue().n(), Long::sum);
            n += arm.getValue().n();
        }
        this.total = n;
    }

    /** Every cell with rewards, in a stable order. */
    public Set<String> cells() {
        return new TreeSet<>(cellCounts.keySet());
    }

    /** The tiers with rewards in a cell, in a stable order. */
    public List<String> tiers(String cell) {
        List<String> out = new ArrayList<>();
        for (String arm : new TreeSet<>(stats.arms().keySet())) {
            if (arm.startsWith(cell + "|")) {
                out.add(arm.substring(cell.length() + 1));
            }
        }
        return out;
    }

    /** The estimated reward of a tier in a cell; NaN when it has too few rewards there. */
    public double reward(String cell, String tier) {
        ArmStats arm = stats.arm(cell, tier);
        return arm.n() < settings.minSamples() ? Double.NaN : arm.mean() - settings.costWeight() * arm.meanCost();
    }

    /** A policy's estimated value, quality and relative cost over the logged cells; NaN where unsupported. */
    public record Value(double reward, double quality, double cost) {
    }

    public Value value(PolicyTable policy) {
        double reward = 0;
        double quality = 0;
        double cost = 0;
        for (String cell : cells()) {
            String tier = policy.tierFor(cell, Cell.parse(cell).staticTier());
            double weight = weight(cell);
            ArmStats arm = stats.arm(cell, tier);
            double c = arm.meanCost();
            reward += weight * (arm.mean() - settings.costWeight() * c);
            quality += weight * arm.mean();
            cost += weight * c;
        }
        return new Value(reward, quality, cost);
    }

    /** The difference of two policies' estimates and its standard error. */
    public record Difference(double mean, double standardError) {
        /** Whether {@code mean} clears {@code z} standard errors (and is positive). */
        public boolean supported(double z) {
            return mean > 0 && !Double.isNaN(standardError) && mean - z * standardError > 0;
        }
    }

    /** {@code candidate} minus {@code serving}; NaN when a cell where they differ lacks rewards. */
    public Difference difference(PolicyTable candidate, PolicyTable serving) {
        double mean = 0;
        double variance = 0;
        for (String cell : cells()) {
            Difference d = cellDifference(cell, candidate, serving);
            double weight = weight(cell);
            mean += weight * d.mean();
            variance += weight * weight * d.standardError() * d.standardError();
        }
        return new Difference(mean, Math.sqrt(variance));
    }

    /** The difference in one cell (0 where both choose the same tier). */
    public Difference cellDifference(String cell, PolicyTable candidate, PolicyTable serving) {
        String staticTier = Cell.parse(cell).staticTier();
        String a = candidate.tierFor(cell, staticTier);
        String b = serving.tierFor(cell, staticTier);
        if (a.equals(b)) {
            return new Difference(0, 0);
        }
        double mean = reward(cell, a) - reward(cell, b);
        double variance = stats.arm(cell, a).varianceOfMean() + stats.arm(cell, b).varianceOfMean();
        return Double.isNaN(mean) ? new Difference(Double.NaN, Double.NaN) : new Difference(mean, Math.sqrt(variance));
    }

    private double weight(String cell) {
        return total == 0 ? 0 : (double) cellCounts.get(cell) / total;
    }

    TeamStats stats() {
        return stats;
    }

    public long rewards() {
        return total;
    }
}
