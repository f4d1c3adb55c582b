package dev.tiergate.server.metrics;

import dev.tiergate.core.resilience.CircuitBreaker;
import dev.tiergate.core.resilience.UpstreamAttempt;
import dev.tiergate.core.resilience.UpstreamAttemptListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;

/**
 * The dispatcher's view in metrics: circuit breaker states as a gauge per provider, and retries,
 * skipped models and fallback answers as counters (each upstream call itself is counted and timed
 * by the instrumented adapters).
 */
public final class UpstreamAttemptMetrics implements UpstreamAttemptListener {
    private final GatewayMetrics metrics;
    private final MeterRegistry registry;

    public UpstreamAttemptMetrics(GatewayMetrics metrics) {
        this.metrics = metrics;
        this.registry = metrics.registry();
    }

    @Override
    public void retryScheduled(UpstreamAttempt failed, Duration backoff) {
        Counter.builder("tiergate.upstream.retries").description("Upstream calls tried again after a retryable failure")
                .tags("provider", failed.provider(), "model", failed.model()).register(registry).increment();
    }

    @Override
    public void modelSkipped(String requestId, String model, String reason) {
        Counter.builder("tiergate.upstream.skipped").description("Models passed over without a call (breakers open)")
                .tags("model", model).register(registry).increment();
    }

    @Override
    public void stateChanged(String provider, CircuitBreaker.State from, CircuitBreaker.State to) {
        metrics.breakerState(provider, switch (to) {
            case CLOSED -> 0;
            case HALF_OPEN -> 1;
            case OPEN -> 2;
        });
    }
}
