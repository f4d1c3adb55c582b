package dev.tiergate.router.learning;

import dev.tiergate.core.routing.RouteCause;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Chooses the tier of one learnable request: the serving policy's tier for its cell (the static
 * router's until a learned policy was promoted), or, on the request's exploration turn (a share
 * {@code explore-rate} of them, {@link ExplorationSchedule}), a neighbouring tier (one cheaper or one stronger) that is not known to fall below the quality
 * target there. A team that never sent feedback is routed exactly as the static router routes it.
 * The propensity of the chosen tier is logged with the decision.
 */
public final class TierBandit {
    private TierBandit() {
    }

    /** The chosen tier, the probability it had, and the route cause it gets. */
    public record Choice(String tier, double propensity, RouteCause cause) {
    }

    /**
     * @param tiers   the alias's tiers, cheapest first
     * @param turn    whether this request's turn is to explore (it is with probability {@code explore-rate})
     * @param pick    a uniform draw in [0, 1) picking the tier explored
     */
    public static Choice choose(Cell cell, List<String> tiers, TeamStats stats, PolicyTable serving,
                                TeamLearning settings, boolean turn, double pick) {
        String staticTier = cell.staticTier();
        if (stats.explicit() == 0) {
            return new Choice(staticTier, 1.0, RouteCause.CLASSIFIER);
        }
        String serve = serving.tierFor(cell.key(), staticTier);
        if (!tiers.contains(serve)) {
            serve = staticTier;
        }
        List<String> neighbours = neighbours(cell, tiers, serve, stats, settings);
        RouteCause served = serve.equals(staticTier) ? RouteCause.CLASSIFIER : RouteCause.LEARNED;
        if (neighbours.isEmpty() || settings.exploreRate() <= 0) {
            return new Choice(serve, 1.0, served);
        }
        if (turn) {
            String tier = neighbours.get(Math.min(neighbours.size() - 1, (int) (pick * neighbours.size())));
            return new Choice(tier, settings.exploreRate() / neighbours.size(), RouteCause.EXPLORE);
        }
        return new Choice(serve, 1.0 - settings.exploreRate(), served);
    }

    /** The tiers next to {@code serve} that the quality floor allows in this cell. */
    static List<String> neighbours(Cell cell, List<String> tiers, String serve, TeamStats stats, TeamLearning settings) {
        int at = tiers.indexOf(serve);
        List<String> out = new ArrayList<>(2);
        for (int i : new int[] {at - 1, at + 1}) {
            if (i >= 0 && i < tiers.size() && allowed(cell.key(), tiers.get(i), tiers, stats, settings)) {
                out.add(tiers.get(i));
            }
        }
        return out;
    }

    /**
     * Whether {@code tier} may serve the cell: false once it has enough rewards there and even its
     * optimistic quality (mean + z·se) is below the quality target times the best tier's mean.
     */
    static boolean allowed(String cell, String tier, List<String> tiers, TeamStats stats, TeamLearning settings) {
        ArmStats arm = stats.arm(cell, tier);
        if (arm.n() < settings.minSamples()) {
            return true;
        }
        double best = best(cell, tiers, stats, settings, a -> a.mean());
        return Double.isNaN(best)
                || arm.mean() + settings.confidence() * Math.sqrt(arm.varianceOfMean()) >= settings.qualityTarget() * best;
    }

    /** The best value of {@code measure} over the tiers with enough rewards in the cell; NaN when none has. */
    static double best(String cell, List<String> tiers, TeamStats stats, TeamLearning settings,
                       ToDoubleFunction<ArmStats> measure) {
        double best = Double.NaN;
        for (String t : tiers) {
            ArmStats a = stats.arm(cell, t);
            if (a.n() >= settings.minSamples()) {
                double v = measure.applyAsDouble(a);
                best = Double.isNaN(best) ? v : Math.max(best, v);
            }
        }
        return best;
    }
}
