package dev.tiergate.server;

import dev.tiergate.core.error.GatewayError;
import dev.tiergate.core.error.UpstreamError;
import dev.tiergate.core.resilience.AttemptOutcome;
import dev.tiergate.core.resilience.CircuitBreaker;
import dev.tiergate.core.resilience.UpstreamAttempt;
import dev.tiergate.core.resilience.UpstreamAttemptListener;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs every upstream attempt and breaker change as one {@code key=value} line on the
 * {@code tiergate.upstream} logger: failed attempts at WARN, a success after a failure (a retry or a
 * fallback that answered) at INFO, first-attempt successes and starts at DEBUG (every request already
 * has its line in the request log).
 * Only ids, names, numbers and error codes: never prompts, answers, messages or keys.
 */
final class UpstreamAttemptLog implements UpstreamAttemptListener {
    private static final Logger log = LoggerFactory.getLogger("tiergate.upstream");

    @Override
    public void attemptStarted(UpstreamAttempt a) {
        if (log.isDebugEnabled()) {
            log.debug("attempt_start request_id={} model={} provider={} upstream_model={} attempt={} stream={}",
                    a.requestId(), a.model(), a.provider(), a.upstreamModel(), a.number(), a.stream());
        }
    }

    @Override
    public void attemptSucceeded(UpstreamAttempt a, Duration duration) {
        if (a.number() > 1 ? log.isInfoEnabled() : log.isDebugEnabled()) {
            log.atLevel(a.number() > 1 ? org.slf4j.event.Level.INFO : org.slf4j.event.Level.DEBUG).log("attempt request_id={} model={} provider={} upstream_model={} attempt={} stream={} outcome={} duration_ms={}",
                    a.requestId(), a.model(), a.provider(), a.upstreamModel(), a.number(), a.stream(),
                    AttemptOutcome.SUCCESS.tag(), duration.toMillis());
        }
    }

    @Override
    public void attemptFailed(UpstreamAttempt a, AttemptOutcome outcome, GatewayError error, Duration duration) {
        if (log.isWarnEnabled()) {
            int status = error instanceof UpstreamError u ? u.upstreamStatus() : error.status();
            log.warn("attempt request_id={} model={} provider={} upstream_model={} attempt={} stream={} outcome={} "
                            + "status={} code={} duration_ms={}",
                    a.requestId(), a.model(), a.provider(), a.upstreamModel(), a.number(), a.stream(), outcome.tag(),
                    status, error.code(), duration.toMillis());
        }
    }

    @Override
    public void retryScheduled(UpstreamAttempt failed, Duration backoff) {
        log.info("retry request_id={} model={} after_attempt={} backoff_ms={}", failed.requestId(), failed.model(),
                failed.number(), backoff.toMillis());
    }

    @Override
    public void modelSkipped(String requestId, String model, String reason) {
        log.warn("skip request_id={} model={} reason=\"{}\"", requestId, model, reason);
    }

    @Override
    public void stateChanged(String provider, CircuitBreaker.State from, CircuitBreaker.State to) {
        log.warn("circuit_breaker provider={} from={} to={}", provider, from.tag(), to.tag());
    }
}
