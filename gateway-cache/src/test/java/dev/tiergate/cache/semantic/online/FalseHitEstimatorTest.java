package dev.tiergate.cache.semantic.online;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FalseHitEstimatorTest {
    @Test
    void countsTheLastWindowOfChecksOnly() {
        FalseHitEstimator estimator = new FalseHitEstimator(10);
        for (int i = 0; i < 4; i++) {
            estimator.record(true);
        }
        WilsonInterval afterFour = estimator.interval();
        assertThat(afterFour.failures()).isEqualTo(4);
        assertThat(afterFour.trials()).isEqualTo(4);
        for (int i = 0; i < 6; i++) {
            estimator.record(false);
        }
        assertThat(estimator.interval().failures()).isEqualTo(4);
        assertThat(estimator.interval().trials()).isEqualTo(10);
        // each further check pushes out the oldest: the four false hits leave one by one
        for (int i = 1; i <= 4; i++) {
            WilsonInterval interval = estimator.record(false);
            assertThat(interval.failures()).isEqualTo(4 - i);
            assertThat(interval.trials()).isEqualTo(10);
        }
        assertThat(estimator.interval().estimate()).isZero();
    }

    @Test
    void theIntervalGivenIsTheOneOfTheWindowAfterTheCheck() {
        FalseHitEstimator estimator = new FalseHitEstimator(200);
        WilsonInterval last = null;
        for (int i = 0; i < 20; i++) {
            last = estimator.record(i % 10 == 0);
        }
        assertThat(last).isEqualTo(WilsonInterval.of(2, 20));
        assertThat(estimator.interval()).isEqualTo(last);
    }

    @Test
    void aRestartForgetsEveryCheck() {
        FalseHitEstimator estimator = new FalseHitEstimator(3);
        estimator.record(true);
        estimator.record(true);
        estimator.restart();
        assertThat(estimator.interval()).isEqualTo(WilsonInterval.NONE);
        assertThat(estimator.record(false)).isEqualTo(WilsonInterval.of(0, 1));
        assertThat(estimator.window()).isEqualTo(3);
    }

    @Test
    void needsAWindow() {
        assertThatThrownBy(() -> new FalseHitEstimator(0)).hasMessageContaining("window: 0");
    }
}
