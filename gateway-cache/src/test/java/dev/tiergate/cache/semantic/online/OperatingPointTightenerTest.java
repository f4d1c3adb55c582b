package dev.tiergate.cache.semantic.online;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import dev.tiergate.cache.semantic.verify.OnnxPairVerifier;
import org.junit.jupiter.api.Test;

class OperatingPointTightenerTest {
    @Test
    void tightensWhenTheLowerBoundIsAboveTheToleratedRateAfterEnoughChecks() {
        // 3 false hits in 20: lower bound 0.052 > 0.03; 2 in 20: 0.028, not yet
        assertThat(OperatingPointTightener.due(WilsonInterval.of(3, 20), 0.03, 20)).isTrue();
        assertThat(OperatingPointTightener.due(WilsonInterval.of(2, 20), 0.03, 20)).isFalse();
        // one false hit of one check is far above 3% as a point, but not enough checks
        assertThat(OperatingPointTightener.due(WilsonInterval.of(1, 1), 0.03, 20)).isFalse();
        // a rate of 3% over 200 checks: its lower bound is below what is tolerated
        assertThat(OperatingPointTightener.due(WilsonInterval.of(6, 200), 0.03, 20)).isFalse();
        assertThat(OperatingPointTightener.due(WilsonInterval.of(6, 200), 0.01, 20)).isTrue();
    }

    @Test
    void raisesEachTeamOneStepAtATimeUpToItsBound() {
        OperatingPointTightener tightener = new OperatingPointTightener();
        assertThat(tightener.level("support")).isZero();
        assertThat(tightener.tighten("support", 2)).isEqualTo(1);
        assertThat(tightener.tighten("support", 2)).isEqualTo(2);
        assertThat(tightener.tighten("support", 2)).as("at its bound").isEqualTo(-1);
        assertThat(tightener.level("support")).isEqualTo(2);
        assertThat(tightener.level("analytics")).as("other teams untouched").isZero();
        assertThat(tightener.tighten("analytics", 0)).as("a bound of 0: never").isEqualTo(-1);
    }

    @Test
    void aStepHalvesTheToleratedShareOfThePrecisionTarget() {
        assertThat(OperatingPointTightener.precisionTarget(0.97, 0)).isEqualTo(0.97);
        assertThat(OperatingPointTightener.precisionTarget(0.97, 1)).isCloseTo(0.985, offset(1e-12));
        assertThat(OperatingPointTightener.precisionTarget(0.97, 2)).isCloseTo(0.9925, offset(1e-12));
        assertThat(OperatingPointTightener.cosineThreshold(0.88, 0)).isEqualTo(0.88);
        assertThat(OperatingPointTightener.cosineThreshold(0.88, 2)).isCloseTo(0.92, offset(1e-12));
        assertThat(OperatingPointTightener.cosineThreshold(0.98, 3)).isEqualTo(0.99);
    }

    @Test
    void theBundledVerifiersThresholdRisesWithEachStep() {
        try (OnnxPairVerifier verifier = OnnxPairVerifier.load()) {
            double base = verifier.operatingPoint(OperatingPointTightener.precisionTarget(0.97, 0));
            double one = verifier.operatingPoint(OperatingPointTightener.precisionTarget(0.97, 1));
            double two = verifier.operatingPoint(OperatingPointTightener.precisionTarget(0.97, 2));
            assertThat(base).isEqualTo(0.76);
            assertThat(one).isGreaterThan(base);
            assertThat(two).isGreaterThanOrEqualTo(one).isLessThan(1.0);
        }
    }
}
