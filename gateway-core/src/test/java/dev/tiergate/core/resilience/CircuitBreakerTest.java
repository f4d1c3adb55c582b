package dev.tiergate.core.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiergate.core.testing.ManualClock;
import dev.tiergate.core.testing.RecordingAttemptListener;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
    private final ManualClock clock = new ManualClock();
    private final RecordingAttemptListener listener = new RecordingAttemptListener();
    private final CircuitBreaker breaker = new CircuitBreaker("p1",
            new CircuitBreakerPolicy(3, Duration.ofSeconds(30)), clock, listener);

    @Test
    void opensAfterConsecutiveFailuresOnly() {
        breaker.onFailure();
        breaker.onFailure();
        breaker.onSuccess();
        breaker.onFailure();
        breaker.onFailure();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(breaker.tryAcquire()).isTrue();
        breaker.onFailure();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(breaker.tryAcquire()).isFalse();
        assertThat(listener.events()).containsExactly("p1 closed->open");
    }

    @Test
    void halfOpensAfterTheCoolDownWithOneProbeThatClosesOnSuccess() {
        open();
        clock.advance(Duration.ofSeconds(29));
        assertThat(breaker.tryAcquire()).isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(breaker.tryAcquire()).isTrue();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        assertThat(breaker.tryAcquire()).as("a second call while the probe runs").isFalse();
        breaker.onSuccess();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(breaker.tryAcquire()).isTrue();
        assertThat(listener.events()).containsExactly("p1 closed->open", "p1 open->half-open", "p1 half-open->closed");
    }

    @Test
    void aFailedProbeOpensItForAnotherCoolDown() {
        open();
        clock.advance(Duration.ofSeconds(30));
        assertThat(breaker.tryAcquire()).isTrue();
        breaker.onFailure();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        clock.advance(Duration.ofSeconds(29));
        assertThat(breaker.tryAcquire()).isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(breaker.tryAcquire()).isTrue();
        assertThat(listener.events()).containsExactly("p1 closed->open", "p1 open->half-open", "p1 half-open->open",
                "p1 open->half-open");
    }

    @Test
    void anAbandonedProbeLetsTheNextCallProbe() {
        open();
        clock.advance(Duration.ofSeconds(30));
        assertThat(breaker.tryAcquire()).isTrue();
        breaker.onAbandoned();
        assertThat(breaker.tryAcquire()).isTrue();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
    }

    private void open() {
        for (int i = 0; i < 3; i++) {
            assertThat(breaker.tryAcquire()).isTrue();
            breaker.onFailure();
        }
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
    }
}
