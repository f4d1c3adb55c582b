package dev.tiergate.core.resilience;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * When a provider's breaker opens: after {@code failureThreshold} failures in a row; and how long
 * it stays open before one probe call may test the provider again ({@code coolDown}).
 */
public record CircuitBreakerPolicy(int failureThreshold, Duration coolDown) {
    public static final CircuitBreakerPolicy DEFAULT = new CircuitBreakerPolicy(5, Duration.ofSeconds(30));

    public CircuitBreakerPolicy {
        requireNonNull(coolDown, "coolDown");
        if (failureThreshold < 1) {
            throw new IllegalArgumentException("failureThreshold: " + failureThreshold + " (expected: >= 1)");
        }
        if (coolDown.isNegative()) {
            throw new IllegalArgumentException("coolDown: " + coolDown + " (expected: >= 0)");
        }
    }
}
