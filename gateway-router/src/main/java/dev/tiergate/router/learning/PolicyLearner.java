package dev.tiergate.router.learning;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Proposes a team's next policy and decides whether it may serve. The candidate takes, in each
 * cell, the tier with the best estimated reward among those with enough rewards there that the
 * quality floor allows; a cell changes from the serving policy only when its own off-policy
 * difference clears the confidence bound, and the candidate replaces the serving policy only when
 * the estimate over all cells does too. Otherwise the serving policy stays.
 */
public final class PolicyLearner {
    private PolicyLearner() {
    }

    /** The policy to serve next: {@code serving} itself when nothing is supported. */
    public static PolicyTable next(OffPolicyEstimate estimate, PolicyTable serving, TeamLearning settings) {
        PolicyTable candidate = candidate(estimate, serving, settings);
        if (candidate.switches().equals(serving.switches())) {
            return serving;
        }
        return estimate.difference(candidate, serving).supported(settings.confidence()) ? candidate : serving;
    }

    /** The serving policy changed in the cells where a better tier is supported by the estimate. */
    static PolicyTable candidate(OffPolicyEstimate estimate, PolicyTable serving, TeamLearning settings) {
        Map<String, String> switches = new HashMap<>(serving.switches());
        for (String cell : estimate.cells()) {
            String staticTier = Cell.parse(cell).staticTier();
            List<String> tiers = estimate.tiers(cell);
            String best = greedy(estimate, cell, tiers, staticTier, settings);
            if (best == null) {
                continue;
            }
            Map<String, String> trial = new HashMap<>(switches);
            if (best.equals(staticTier)) {
                trial.remove(cell);
            } else {
                trial.put(cell, best);
            }
            PolicyTable proposed = new PolicyTable(serving.version() + 1, trial);
            if (estimate.cellDifference(cell, proposed, serving).supported(settings.confidence())) {
                switches = trial;
            }
        }
        return new PolicyTable(serving.version() + 1, switches);
    }

    /** The tier with the best estimated reward in the cell among the allowed ones with enough rewards. */
    private static String greedy(OffPolicyEstimate estimate, String cell, List<String> tiers, String staticTier,
                                 TeamLearning settings) {
        String best = null;
        double bestReward = Double.NEGATIVE_INFINITY;
        for (String tier : tiers) {
            double reward = estimate.reward(cell, tier);
            if (!Double.isNaN(reward) && reward > bestReward
                    && TierBandit.allowed(cell, tier, tiers, estimate.stats(), settings)) {
                best = tier;
                bestReward = reward;
            }
        }
        return best;
    }
}
