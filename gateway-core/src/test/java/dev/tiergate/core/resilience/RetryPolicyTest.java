package dev.tiergate.core.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    @Test
    void backoffDoublesUpToTheMaximumWithoutJitter() {
        RetryPolicy policy = new RetryPolicy(8, Duration.ofMillis(100), Duration.ofSeconds(1), 0);
        Random random = new Random(1);
        assertThat(java.util.stream.IntStream.rangeClosed(1, 6).mapToObj(n -> policy.backoff(n, null, random).toMillis()))
                .containsExactly(100L, 200L, 400L, 800L, 1000L, 1000L);
    }

    @Test
    void jitterTakesAtMostItsShareOffTheBackoff() {
        RetryPolicy policy = new RetryPolicy(8, Duration.ofMillis(100), Duration.ofSeconds(1), 0.5);
        Random random = new Random(42);
        for (int n = 1; n <= 40; n++) {
            long base = Math.min(100L << Math.min(n - 1, 20), 1000);
            Duration d = policy.backoff(n, null, random);
            assertThat(d.toMillis()).isBetween(base / 2, base);
        }
    }

    @Test
    void retryAfterIsHonouredUpToTheMaximum() {
        RetryPolicy policy = new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(2), 0.5);
        assertThat(policy.backoff(1, Duration.ofMillis(1500), new Random(1))).isEqualTo(Duration.ofMillis(1500));
        assertThat(policy.backoff(1, Duration.ofSeconds(60), new Random(1))).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void hugeAttemptNumbersDoNotOverflow() {
        RetryPolicy policy = new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(5), 0);
        assertThat(policy.backoff(Integer.MAX_VALUE, null, new Random(1))).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO, 0))
                .hasMessage("maxAttempts: 0 (expected: >= 1)");
        assertThatThrownBy(() -> new RetryPolicy(2, Duration.ofSeconds(2), Duration.ofSeconds(1), 0))
                .hasMessageContaining("expected: 0 <= initial <= max");
        assertThatThrownBy(() -> new RetryPolicy(2, Duration.ZERO, Duration.ZERO, 1.5))
                .hasMessage("jitter: 1.5 (expected: between 0 and 1)");
    }
}
