package dev.tiergate.router.learning;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code GET /admin/routing/{team}} shows: the serving policy's version and its cells off the
 * static router, the feedback counted, the off-policy estimates of the serving and the static
 * policy, and the estimated quality and relative cost per tier and per cluster and tier. A JSON
 * object as nested maps (NaN, where nothing was observed, becomes null).
 */
public record LearningReport(Map<String, Object> body) {

    static LearningReport of(String team, TeamLearning settings, TeamStats stats, PolicyTable serving,
                             OffPolicyEstimate estimate) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("team", team);
        body.put("learning", settings.enabled());
        body.put("explore_rate", settings.exploreRate());
        body.put("cost_weight", settings.costWeight());
        body.put("policy_version", serving.version());
        body.put("policy", serving.version() == 0 ? "static" : "learned");
        body.put("learned_cells", new TreeMap<>(serving.switches()));
        body.put("feedback_count", stats.explicit());
        body.put("rewards", stats.rewards());
        body.put("implicit_rewards", stats.rewards() - stats.explicit());
        Map<String, Object> estimates = new LinkedHashMap<>();
        estimates.put("serving", value(estimate.value(serving)));
        estimates.put("static", value(estimate.value(PolicyTable.STATIC)));
        OffPolicyEstimate.Difference gain = estimate.difference(serving, PolicyTable.STATIC);
        estimates.put("gain_over_static", number(gain.mean()));
        estimates.put("gain_standard_error", number(gain.standardError()));
        body.put("estimate", estimates);
        Map<String, ArmStats> byTier = new TreeMap<>();
        Map<String, Map<String, ArmStats>> byCluster = new TreeMap<>();
        stats.arms().forEach((arm, s) -> {
            int bar = arm.lastIndexOf('|');
            Cell cell = Cell.parse(arm.substring(0, bar));
            String tier = arm.substring(bar + 1);
            byTier.merge(tier, s, ArmStats::plus);
            byCluster.computeIfAbsent(Integer.toString(cell.cluster()), c -> new TreeMap<>()).merge(tier, s,
                    ArmStats::plus);
        });
        Map<String, Object> tiers = new LinkedHashMap<>();
        byTier.forEach((tier, s) -> tiers.put(tier, arm(s)));
        body.put("tiers", tiers);
        Map<String, Object> clusters = new LinkedHashMap<>();
        byCluster.forEach((cluster, arms) -> {
            Map<String, Object> one = new LinkedHashMap<>();
            arms.forEach((tier, s) -> one.put(tier, arm(s)));
            clusters.put(cluster, one);
        });
        body.put("clusters", clusters);
        return new LearningReport(body);
    }

    private static Map<String, Object> arm(ArmStats s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("rewards", s.n());
        out.put("quality", number(s.mean()));
        out.put("relative_cost", number(s.meanCost()));
        return out;
    }

    private static Map<String, Object> value(OffPolicyEstimate.Value v) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("reward", number(v.reward()));
        out.put("quality", number(v.quality()));
        out.put("relative_cost", number(v.cost()));
        return out;
    }

    private static Double number(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? null : Math.round(v * 10_000) / 10_000.0;
    }
}
