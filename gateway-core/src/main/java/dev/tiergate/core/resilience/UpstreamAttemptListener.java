package dev.tiergate.core.resilience;

import dev.tiergate.core.error.GatewayError;
import java.time.Duration;

/**
 * Observes every upstream attempt of the dispatcher and every breaker change: the server logs
 * them, metrics count them. Called on the request's event loop (breaker changes on the thread that
 * caused them); implementations must be quick and must not throw. Nothing here carries prompt text
 * or keys.
 */
public interface UpstreamAttemptListener extends CircuitBreaker.StateListener {
    UpstreamAttemptListener NONE = new UpstreamAttemptListener() {
    };

    default void attemptStarted(UpstreamAttempt attempt) {
    }

    /**
     * Headers the attempt's upstream request carries for this listener (e.g. a {@code traceparent});
     * asked right after {@link #attemptStarted}. None by default.
     */
    default java.util.Map<String, String> headers(UpstreamAttempt attempt) {
        return java.util.Map.of();
    }

    default void attemptSucceeded(UpstreamAttempt attempt, Duration duration) {
    }

    /** {@code error} is what the attempt failed with (for {@link AttemptOutcome#EMPTY_ANSWER}, made up). */
    default void attemptFailed(UpstreamAttempt attempt, AttemptOutcome outcome, GatewayError error, Duration duration) {
    }

    /** The same model is tried again after {@code backoff}. */
    default void retryScheduled(UpstreamAttempt failed, Duration backoff) {
    }

    /** A model was passed over without a call, e.g. every deployment's breaker is open. */
    default void modelSkipped(String requestId, String model, String reason) {
    }

    @Override
    default void stateChanged(String provider, CircuitBreaker.State from, CircuitBreaker.State to) {
    }

    /** Tells {@code first}, then {@code second}, of everything. */
    static UpstreamAttemptListener both(UpstreamAttemptListener first, UpstreamAttemptListener second) {
        return new UpstreamAttemptListener() {
            @Override
            public void attemptStarted(UpstreamAttempt attempt) {
                first.attemptStarted(attempt);
                second.attemptStarted(attempt);
            }

            @Override
            public java.util.Map<String, String> headers(UpstreamAttempt attempt) {
                java.util.Map<String, String> one = first.headers(attempt);
                java.util.Map<String, String> two = second.headers(attempt);
                if (one.isEmpty() || two.isEmpty()) {
                    return one.isEmpty() ? two : one;
                }
                java.util.Map<String, String> both = new java.util.LinkedHashMap<>(one);
                both.putAll(two);
                return both;
            }

            @Override
            public void attemptSucceeded(UpstreamAttempt attempt, Duration duration) {
                first.attemptSucceeded(attempt, duration);
                second.attemptSucceeded(attempt, duration);
            }

            @Override
            public void attemptFailed(UpstreamAttempt attempt, AttemptOutcome outcome, GatewayError error,
                                      Duration duration) {
                first.attemptFailed(attempt, outcome, error, duration);
                second.attemptFailed(attempt, outcome, error, duration);
            }

            @Override
            public void retryScheduled(UpstreamAttempt failed, Duration backoff) {
                first.retryScheduled(failed, backoff);
                second.retryScheduled(failed, backoff);
            }

            @Override
            public void modelSkipped(String requestId, String model, String reason) {
                first.modelSkipped(requestId, model, reason);
                second.modelSkipped(requestId, model, reason);
            }

            @Override
            public void stateChanged(String provider, CircuitBreaker.State from, CircuitBreaker.State to) {
                first.stateChanged(provider, from, to);
                second.stateChanged(provider, from, to);
            }
        };
    }
}
