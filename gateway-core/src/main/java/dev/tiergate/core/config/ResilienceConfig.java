package dev.tiergate.core.config;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.resilience.CircuitBreakerPolicy;
import dev.tiergate.core.resilience.RetryPolicy;
import java.time.Duration;

/**
 * {@code resilience:} in gateway.yaml. {@code retry} applies to models without their own;
 * {@code deadline} bounds all attempts of one request together (null: the server's request timeout).
 */
public record ResilienceConfig(RetryPolicy retry, CircuitBreakerPolicy circuitBreaker, Duration deadline) {
    public ResilienceConfig {
        requireNonNull(retry, "retry");
        requireNonNull(circuitBreaker, "circuitBreaker");
    }

    public static ResilienceConfig defaults() {
        return new ResilienceConfig(RetryPolicy.DEFAULT, CircuitBreakerPolicy.DEFAULT, null);
    }
}
