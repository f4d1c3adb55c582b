package dev.tiergate.router.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tiergate.core.config.AliasConfig;
import dev.tiergate.core.routing.RouteCause;
import dev.tiergate.core.routing.RouteDecision;
import dev.tiergate.router.classifier.Classification;
import dev.tiergate.router.classifier.ComplexityTier;
import dev.tiergate.router.classifier.RequestShape;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TierPolicyTest {
    private static final Thresholds DEFAULTS = Thresholds.of(0.3, 0.6);
    private static final AliasConfig AUTO = alias("auto", "mid", "small", "mid", "frontier");
    private static final Gates.Result NO_GATES = Gates.evaluate(new RequestShape(1, 10, false, false, false),
            GateSettings.defaults());
    private static final Gates.Result TOOLS = Gates.evaluate(new RequestShape(1, 10, true, false, false),
            GateSettings.defaults());

    static AliasConfig alias(String name, String defaultTier, String... tiers) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (String tier : tiers) {
            map.put(tier, List.of(tier + "-model-a", tier + "-model-b"));
        }
        return new AliasConfig(name, map, defaultTier);
    }

    /** A classification with the given score: all mass on small and frontier. */
    static Classification withScore(double score) {
        return new Classification(new float[] {(float) (1 - score), 0f, (float) score});
    }

    private static RouteDecision decide(TeamRoutingPolicy policy, Classification c, Gates.Result gates) {
        return TierPolicy.decide(policy, DEFAULTS, c, gates, "auto", AUTO);
    }

    @Test
    void scoreAgainstDefaultThresholds() {
        TeamRoutingPolicy policy = TeamRoutingPolicy.defaults();
        assertThat(decide(policy, withScore(0.1), NO_GATES).tier()).isEqualTo("small");
        assertThat(decide(policy, withScore(0.3), NO_GATES).tier()).isEqualTo("mid");
        assertThat(decide(policy, withScore(0.59), NO_GATES).tier()).isEqualTo("mid");
        RouteDecision hard = decide(policy, withScore(0.9), NO_GATES);
        assertThat(hard.tier()).isEqualTo("frontier");
        assertThat(hard.model()).isEqualTo("frontier-model-a");
        assertThat(hard.cause()).isEqualTo(RouteCause.CLASSIFIER);
        assertThat(hard.score()).isEqualTo(withScore(0.9).score());
        assertThat(hard.probabilities()).containsOnlyKeys("small", "mid", "frontier");
    }

    @Test
    void teamsTradeCostForQualityWithTheirOwnThresholds() {
        TeamRoutingPolicy thrifty = TeamRoutingPolicy.builder().thresholds(0.5, 0.9).build();
        TeamRoutingPolicy careful = TeamRoutingPolicy.builder().thresholds(0.1, 0.4).build();
        Classification c = withScore(0.45);
        assertThat(decide(thrifty, c, NO_GATES).tier()).isEqualTo("small");
        assertThat(decide(TeamRoutingPolicy.defaults(), c, NO_GATES).tier()).isEqualTo("mid");
        assertThat(decide(careful, c, NO_GATES).tier()).isEqualTo("frontier");
    }

    @Test
    void gatesOnlyEverMoveUp() {
        for (double score : new double[] {0.0, 0.2, 0.35, 0.5, 0.7, 1.0}) {
            for (boolean tools : new boolean[] {false, true}) {
                for (boolean images : new boolean[] {false, true}) {
                    for (boolean schema : new boolean[] {false, true}) {
                        for (int tokens : new int[] {10, 50_000}) {
                            Gates.Result gates = Gates.evaluate(new RequestShape(1, tokens, tools, images, schema),
                                    GateSettings.defaults());
                            ComplexityTier without = ComplexityTier.of(
                                    decide(TeamRoutingPolicy.defaults(), withScore(score), NO_GATES).tier());
                            ComplexityTier with = ComplexityTier.of(
                                    decide(TeamRoutingPolicy.defaults(), withScore(score), gates).tier());
                            assertThat(with.ordinal()).isGreaterThanOrEqualTo(without.ordinal());
                            assertThat(with.ordinal()).isGreaterThanOrEqualTo(gates.floor().ordinal());
                        }
                    }
                }
            }
        }
    }

    @Test
    void aGateThatRaisesTheTierIsTheCause() {
        RouteDecision raised = decide(TeamRoutingPolicy.defaults(), withScore(0.05), TOOLS);
        assertThat(raised.tier()).isEqualTo("mid");
        assertThat(raised.cause()).isEqualTo(RouteCause.GATE);
        assertThat(raised.gates()).containsExactly(Gates.TOOLS);
        RouteDecision unchanged = decide(TeamRoutingPolicy.defaults(), withScore(0.95), TOOLS);
        assertThat(unchanged.tier()).isEqualTo("frontier");
        assertThat(unchanged.cause()).isEqualTo(RouteCause.CLASSIFIER);
    }

    @Test
    void eachGateFiresAndCanBeTurnedOff() {
        assertThat(Gates.evaluate(new RequestShape(1, 10, false, true, false), GateSettings.defaults()).fired())
                .containsExactly(Gates.IMAGES);
        assertThat(Gates.evaluate(new RequestShape(1, 10, false, false, true), GateSettings.defaults()).fired())
                .containsExactly(Gates.JSON_SCHEMA);
        assertThat(Gates.evaluate(new RequestShape(1, 16_000, false, false, false), GateSettings.defaults()).fired())
                .containsExactly(Gates.LONG_CONTEXT);
        assertThat(Gates.evaluate(new RequestShape(1, 15_999, false, false, false), GateSettings.defaults()).fired())
                .isEmpty();
        Gates.Result off = Gates.evaluate(new RequestShape(1, 90_000, true, true, true), GateSettings.none());
        assertThat(off.fired()).isEmpty();
        assertThat(off.floor()).isEqualTo(ComplexityTier.SMALL);
    }

    @Test
    void pinnedAndMinimumTiersAreTeamOverrides() {
        TeamRoutingPolicy pinned = TeamRoutingPolicy.builder().pinnedTier(ComplexityTier.SMALL).build();
        RouteDecision p = decide(pinned, null, TOOLS);
        assertThat(p.tier()).isEqualTo("small");
        assertThat(p.cause()).isEqualTo(RouteCause.TEAM_OVERRIDE);
        assertThat(p.score()).isNull();

        TeamRoutingPolicy floor = TeamRoutingPolicy.builder().minimumTier(ComplexityTier.MID).build();
        RouteDecision m = decide(floor, withScore(0.0), NO_GATES);
        assertThat(m.tier()).isEqualTo("mid");
        assertThat(m.cause()).isEqualTo(RouteCause.TEAM_OVERRIDE);
        assertThat(decide(floor, withScore(0.95), NO_GATES).cause()).isEqualTo(RouteCause.CLASSIFIER);
    }

    @Test
    void withoutClassificationTheAliasDefaultIsTheFallback() {
        RouteDecision d = decide(TeamRoutingPolicy.defaults(), null, NO_GATES);
        assertThat(d.tier()).isEqualTo("mid");
        assertThat(d.cause()).isEqualTo(RouteCause.FALLBACK);
        assertThat(d.score()).isNull();
        assertThat(d.probabilities()).isEmpty();
        AliasConfig cheapDefault = alias("auto", "small", "small", "mid", "frontier");
        RouteDecision gated = TierPolicy.decide(TeamRoutingPolicy.defaults(), DEFAULTS, null, TOOLS, "auto",
                cheapDefault);
        assertThat(gated.tier()).isEqualTo("mid");
        assertThat(gated.cause()).isEqualTo(RouteCause.GATE);
    }

    @Test
    void aliasesWithOtherTiersGetTheNextStrongerOrTheirStrongest() {
        AliasConfig noMid = alias("x", "small", "small", "frontier");
        assertThat(TierPolicy.tierOf(noMid, ComplexityTier.MID)).isEqualTo("frontier");
        AliasConfig onlySmall = alias("cheap", "small", "small");
        assertThat(TierPolicy.tierOf(onlySmall, ComplexityTier.FRONTIER)).isEqualTo("small");
        AliasConfig ownNames = alias("own", "fast", "fast", "balanced", "best");
        assertThat(TierPolicy.tierOf(ownNames, ComplexityTier.SMALL)).isEqualTo("fast");
        assertThat(TierPolicy.tierOf(ownNames, ComplexityTier.MID)).isEqualTo("balanced");
        assertThat(TierPolicy.tierOf(ownNames, ComplexityTier.FRONTIER)).isEqualTo("best");
    }

    @Test
    void thresholdsAreValidated() {
        assertThatThrownBy(() -> Thresholds.of(0.7, 0.5)).hasMessageContaining("thresholds.frontier: 0.5");
        assertThatThrownBy(() -> Thresholds.of(-0.1, 0.5)).hasMessageContaining("(expected: in [0, 1])");
        assertThatThrownBy(() -> Thresholds.of(0.1, Double.NaN)).hasMessageContaining("thresholds.frontier: NaN");
    }
}
