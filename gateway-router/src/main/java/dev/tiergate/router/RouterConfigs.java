package dev.tiergate.router;

import dev.tiergate.core.config.CascadeConfig;
import dev.tiergate.core.config.GatewayConfig;
import dev.tiergate.core.config.RouterLearningConfig;
import dev.tiergate.core.config.RoutingPolicyConfig;
import dev.tiergate.core.config.TeamConfig;
import dev.tiergate.router.classifier.CalibrationCurve;
import dev.tiergate.router.classifier.ComplexityTier;
import dev.tiergate.router.policy.CascadeSettings;
import dev.tiergate.router.policy.GateSettings;
import dev.tiergate.router.policy.QualityGoal;
import dev.tiergate.router.policy.RouterSettings;
import dev.tiergate.router.policy.RoutingMode;
import dev.tiergate.router.policy.TeamRoutingPolicy;
import dev.tiergate.router.policy.Thresholds;
import dev.tiergate.router.learning.ImplicitSignals;
import dev.tiergate.router.learning.LearningSettings;
import dev.tiergate.router.learning.TeamLearning;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;

/** The router module's settings from the gateway config: what the composition root builds the stage with. */
public final class RouterConfigs {
    private RouterConfigs() {
    }

    /**
     * @param calibration the classifier's calibration curve, from which {@code quality-target} and
     *                    {@code max-frontier-share} derive thresholds; null refuses both
     * @throws IllegalArgumentException when a quality goal is set but there is no curve
     */
    public static RouterSettings routerSettings(GatewayConfig config, CalibrationCurve calibration) {
        TeamRoutingPolicy base = policy(TeamRoutingPolicy.defaults(), config.router(), RoutingPolicyConfig.INHERIT,
                calibration);
        RouterSettings.Builder settings = RouterSettings.builder().defaultPolicy(base);
        for (TeamConfig team : config.teams().values()) {
            if (!team.router().equals(RoutingPolicyConfig.INHERIT)) {
                settings.team(team.id(), policy(base, team.router(), config.router(), calibration));
            }
        }
        return settings.build();
    }

    /**
     * {@code base} with the fields {@code yaml} sets. Thresholds: hand-set ones when {@code yaml}
     * sets any; else those of its quality goal, its unset goal fields taken from {@code parent}.
     */
    private static TeamRoutingPolicy policy(TeamRoutingPolicy base, RoutingPolicyConfig yaml,
                                            RoutingPolicyConfig parent, CalibrationCurve calibration) {
        TeamRoutingPolicy.Builder b = base.toBuilder();
        if (yaml.enabled() != null) {
            b.enabled(yaml.enabled());
        }
        if (yaml.thresholdMid() == null && yaml.thresholdFrontier() == null
                && (yaml.qualityTarget() != null || yaml.maxFrontierShare() != null)) {
            if (calibration == null) {
                throw new IllegalArgumentException("router.quality-target / max-frontier-share: the classifier "
                        + "ships no calibration curve (expected: hand-set thresholds)");
            }
            QualityGoal goal = new QualityGoal(
                    yaml.qualityTarget() != null ? yaml.qualityTarget() : parent.qualityTarget(),
                    yaml.maxFrontierShare() != null ? yaml.maxFrontierShare() : parent.maxFrontierShare());
            b.thresholds(goal.thresholds(calibration));
        }
        if (yaml.thresholdMid() != null || yaml.thresholdFrontier() != null) {
            Thresholds current = base.thresholds();
            double mid = yaml.thresholdMid() != null ? yaml.thresholdMid() : current != null ? current.mid() : 0;
            double frontier = yaml.thresholdFrontier() != null ? yaml.thresholdFrontier()
                    : current != null ? current.frontier() : 1;
            b.thresholds(mid, frontier);
        }
        if (yaml.route() != null) {
            b.routedAliases(new HashSet<>(yaml.route()));
        }
        if (yaml.routeModels() != null) {
            yaml.routeModels().forEach(b::routeModel);
        }
        if (yaml.gateTools() != null || yaml.gateImages() != null || yaml.gateJsonSchema() != null
                || yaml.longContextTokens() != null) {
            GateSettings g = base.gates();
            b.gates(new GateSettings(
                    yaml.gateTools() != null ? yaml.gateTools() : g.tools(),
                    yaml.gateImages() != null ? yaml.gateImages() : g.images(),
                    yaml.gateJsonSchema() != null ? yaml.gateJsonSchema() : g.jsonSchema(),
                    yaml.longContextTokens() != null ? yaml.longContextTokens() : g.longContextTokens()));
        }
        if (yaml.pinTier() != null) {
            b.pinnedTier(ComplexityTier.of(yaml.pinTier()));
        }
        if (yaml.minTier() != null) {
            b.minimumTier(ComplexityTier.of(yaml.minTier()));
        }
        if (yaml.mode() != null) {
            b.mode(RoutingMode.of(yaml.mode()));
        }
        b.cascade(cascade(base.cascade(), yaml.cascade()));
        return b.build();
    }

    /**
     * The learning router's settings ({@code router.learning}): gateway.yaml's over the defaults,
     * each team's over those; a team's quality floor is its router quality target.
     */
    public static LearningSettings learningSettings(GatewayConfig config) {
        LearningSettings d = LearningSettings.defaults();
        RouterLearningConfig g = config.router().learning();
        double gatewayTarget = config.router().qualityTarget() != null ? config.router().qualityTarget()
                : d.teamDefaults().qualityTarget();
        TeamLearning base = learning(d.teamDefaults(), g, gatewayTarget);
        Map<String, TeamLearning> teams = new HashMap<>();
        for (TeamConfig team : config.teams().values()) {
            RoutingPolicyConfig r = team.router();
            if (!r.learning().equals(RouterLearningConfig.INHERIT) || r.qualityTarget() != null) {
                teams.put(team.id(), learning(base, r.learning(),
                        r.qualityTarget() != null ? r.qualityTarget() : gatewayTarget));
            }
        }
        return new LearningSettings(base, teams,
                g.decisionTtlSeconds() != null ? Duration.ofSeconds(g.decisionTtlSeconds()) : d.decisionTtl(),
                g.maxDecisionsPerTeam() != null ? g.maxDecisionsPerTeam() : d.maxDecisionsPerTeam(),
                g.refreshMs() != null ? Duration.ofMillis(g.refreshMs()) : d.refresh());
    }

    /** Whether learning is on for any team (then the gateway builds the learning router). */
    public static boolean learningUsed(LearningSettings settings) {
        return settings.teamDefaults().enabled() || settings.teams().values().stream().anyMatch(TeamLearning::enabled);
    }

    private static TeamLearning learning(TeamLearning base, RouterLearningConfig y, double qualityTarget) {
        ImplicitSignals s = base.signals();
        ImplicitSignals signals = new ImplicitSignals(
                pick(y.regeneration(), s.regeneration()),
                y.regenerationSeconds() != null ? Duration.ofSeconds(y.regenerationSeconds()) : s.regenerationWindow(),
                pick(y.escalation(), s.escalation()),
                pick(y.truncated(), s.truncated()),
                pick(y.clientLeft(), s.clientLeft()),
                pick(y.schemaFailure(), s.schemaFailure()));
        return new TeamLearning(
                pick(y.enabled(), base.enabled()),
                pick(y.exploreRate(), base.exploreRate()),
                pick(y.costWeight(), base.costWeight()),
                qualityTarget,
                pick(y.minSamples(), base.minSamples()),
                pick(y.confidence(), base.confidence()),
                pick(y.logComments(), base.logComments()),
                signals);
    }

    private static <T> T pick(T set, T inherited) {
        return set != null ? set : inherited;
    }

    /** {@code base} with the {@code cascade-*} keys {@code yaml} sets. */
    private static CascadeSettings cascade(CascadeSettings base, CascadeConfig yaml) {
        return new CascadeSettings(
                yaml.checks() != null ? new HashSet<>(yaml.checks()) : base.checks(),
                yaml.minMeanLogprob() != null ? yaml.minMeanLogprob() : base.minMeanLogprob(),
                yaml.minTokenLogprob() != null ? yaml.minTokenLogprob() : base.minTokenLogprob(),
                yaml.streams() != null ? "buffered".equals(yaml.streams()) : base.bufferedStreams(),
                yaml.holdBytes() != null ? yaml.holdBytes() : base.holdBytes(),
                yaml.holdMillis() != null ? Duration.ofMillis(yaml.holdMillis()) : base.hold());
    }
}
