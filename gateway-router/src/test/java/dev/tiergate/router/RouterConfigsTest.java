package dev.tiergate.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tiergate.core.config.CascadeConfig;
import dev.tiergate.core.config.GatewayConfig;
import dev.tiergate.core.config.RoutingPolicyConfig;
import dev.tiergate.core.config.TeamConfig;
import dev.tiergate.core.config.TeamCacheConfig;
import dev.tiergate.router.classifier.CalibrationCurve;
import dev.tiergate.router.classifier.CalibrationCurve.Point;
import dev.tiergate.router.policy.CascadeSettings;
import dev.tiergate.router.policy.QualityGoal;
import dev.tiergate.router.policy.RouterSettings;
import dev.tiergate.router.policy.RoutingMode;
import dev.tiergate.router.policy.TeamRoutingPolicy;
import dev.tiergate.router.policy.Thresholds;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RouterConfigsTest {
    /** Quality kept falls from 1 at threshold 0 to 0.8 at 1, the frontier share from 1 to 0. */
    private static final CalibrationCurve CURVE = curve();

    private static CalibrationCurve curve() {
        List<Point> points = new ArrayList<>();
        for (int i = 0; i <= 100; i++) {
            points.add(new Point(i / 100.0, 1.0 - 0.2 * i / 100.0, 1.0 - i / 100.0));
        }
        return new CalibrationCurve("fixture", points);
    }

    private static RoutingPolicyConfig router(Double mid, Double frontier, Double qualityTarget, Double maxShare) {
        return new RoutingPolicyConfig(true, mid, frontier, null, null, null, null, null, null, null, null,
                qualityTarget, maxShare, null, null);
    }

    private static GatewayConfig config(RoutingPolicyConfig gateway, RoutingPolicyConfig team) {
        TeamConfig t = new TeamConfig("t1", List.of(), Set.of("*"), "auto", Map.of(), TeamCacheConfig.INHERIT,
                team, null);
        return new GatewayConfig(null, Map.of(), Map.of(), Map.of(), Map.of("t1", t), null, null, gateway, null, null);
    }

    @Test
    void aQualityTargetSetsTheThresholdsFromTheCurve() {
        RouterSettings settings = RouterConfigs.routerSettings(
                config(router(null, null, 0.899, null), RoutingPolicyConfig.INHERIT), CURVE);
        assertThat(settings.defaultPolicy().thresholds())
                .isEqualTo(new QualityGoal(0.899, null).thresholds(CURVE));
        assertThat(settings.defaultPolicy().thresholds().frontier()).isEqualTo(0.75);
    }

    @Test
    void aTeamGoalOverridesTheGatewayThresholdsAndInheritsTheGatewayTarget() {
        RouterSettings settings = RouterConfigs.routerSettings(
                config(router(null, null, 0.95, null), router(null, null, null, 0.2)), CURVE);
        assertThat(settings.policyFor("t1").thresholds()).isEqualTo(new QualityGoal(0.95, 0.2).thresholds(CURVE));
        assertThat(settings.policyFor("t1").thresholds().frontier()).isEqualTo(0.8);
    }

    @Test
    void handSetThresholdsOverrideAGoal() {
        RouterSettings settings = RouterConfigs.routerSettings(
                config(router(null, null, 0.95, null), router(0.3, 0.7, 0.9, null)), CURVE);
        assertThat(settings.policyFor("t1").thresholds()).isEqualTo(Thresholds.of(0.3, 0.7));
    }

    @Test
    void withoutGoalOrThresholdsTheClassifierDefaultsApply() {
        RouterSettings settings = RouterConfigs.routerSettings(
                config(router(null, null, null, null), RoutingPolicyConfig.INHERIT), CURVE);
        assertThat(settings.defaultPolicy().thresholds()).isNull();
    }

    @Test
    void aGoalWithoutACurveIsRefused() {
        assertThatThrownBy(() -> RouterConfigs.routerSettings(
                config(router(null, null, 0.9, null), RoutingPolicyConfig.INHERIT), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("calibration curve");
    }

    @Test
    void aTeamCascadesWithTheGatewayCascadeKeysItDoesNotOverride() {
        RoutingPolicyConfig gateway = new RoutingPolicyConfig(true, null, null, null, null, null, null, null, null,
                null, null, null, null, null, new CascadeConfig(List.of("refusal", "low-logprob"), -0.8, null, null,
                null, 2_000));
        RoutingPolicyConfig team = new RoutingPolicyConfig(null, null, null, null, null, null, null, null, null,
                null, null, null, null, "cascade", new CascadeConfig(null, null, -6.0, "buffered", null, null));
        RouterSettings settings = RouterConfigs.routerSettings(config(gateway, team), CURVE);

        assertThat(settings.defaultPolicy().mode()).isEqualTo(RoutingMode.CLASSIFIER);
        TeamRoutingPolicy policy = settings.policyFor("t1");
        assertThat(policy.mode()).isEqualTo(RoutingMode.CASCADE);
        assertThat(policy.cascades(false)).isTrue();
        assertThat(policy.cascades(true)).isTrue();
        assertThat(policy.cascade()).isEqualTo(new CascadeSettings(Set.of("refusal", "low-logprob"), -0.8, -6.0, true,
                CascadeSettings.DEFAULT_HOLD_BYTES, Duration.ofMillis(2_000)));
    }
}
