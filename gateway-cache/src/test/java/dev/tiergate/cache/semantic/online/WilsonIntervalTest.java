package dev.tiergate.cache.semantic.online;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

class WilsonIntervalTest {
    @Test
    void matchesThePublishedScoreIntervals() {
        // Newcombe (1998), table I: 95% Wilson intervals
        assertBounds(WilsonInterval.of(5, 10), 0.2366, 0.7634);
        assertBounds(WilsonInterval.of(0, 10), 0.0, 0.2775);
        assertBounds(WilsonInterval.of(1, 100), 0.0018, 0.0545);
        assertThat(WilsonInterval.of(5, 10).estimate()).isEqualTo(0.5);
    }

    @Test
    void staysWithinZeroAndOneAndIsExactAtTheEdges() {
        WilsonInterval none = WilsonInterval.of(0, 6);
        assertThat(none.lower()).isZero();
        assertThat(none.estimate()).isZero();
        WilsonInterval all = WilsonInterval.of(1, 1);
        assertThat(all.upper()).isEqualTo(1.0);
        assertThat(all.lower()).isCloseTo(0.2065, offset(1e-4));
        assertThat(WilsonInterval.of(0, 0)).isEqualTo(WilsonInterval.NONE);
        assertThat(WilsonInterval.NONE.upper()).isEqualTo(1.0);
    }

    @Test
    void narrowsAsChecksAccumulateAtTheSameRate() {
        WilsonInterval few = WilsonInterval.of(1, 20);
        WilsonInterval many = WilsonInterval.of(10, 200);
        assertThat(many.estimate()).isEqualTo(few.estimate());
        assertThat(many.upper() - many.lower()).isLessThan(few.upper() - few.lower());
        assertThat(many.lower()).isGreaterThan(few.lower());
    }

    @Test
    void refusesImpossibleCounts() {
        assertThatThrownBy(() -> WilsonInterval.of(3, 2)).hasMessageContaining("failures 3 of 2 trials");
        assertThatThrownBy(() -> WilsonInterval.of(-1, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WilsonInterval.of(1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static void assertBounds(WilsonInterval interval, double lower, double upper) {
        assertThat(interval.lower()).isCloseTo(lower, offset(1e-4));
        assertThat(interval.upper()).isCloseTo(upper, offset(1e-4));
    }
}
