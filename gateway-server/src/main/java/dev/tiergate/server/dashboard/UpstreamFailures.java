package dev.tiergate.server.dashboard;

import dev.tiergate.core.error.GatewayError;
import dev.tiergate.core.error.UpstreamError;
import dev.tiergate.core.resilience.AttemptOutcome;
import dev.tiergate.core.resilience.UpstreamAttempt;
import dev.tiergate.core.resilience.UpstreamAttemptListener;
import java.time.Clock;
import java.time.Duration;

/**
 * The last {@value #CAPACITY} failed upstream attempts. Attempts the gateway cancelled itself (the
 * client left, the answer came otherwise) are not failures of the upstream and are left out.
 */
public final class UpstreamFailures implements UpstreamAttemptListener {
    public static final int CAPACITY = 50;

    private final Ring<UpstreamFailure> failures = new Ring<>(CAPACITY);
    private final Clock clock;

    public UpstreamFailures(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void attemptFailed(UpstreamAttempt attempt, AttemptOutcome outcome, GatewayError error, Duration duration) {
        if (outcome == AttemptOutcome.CANCELLED) {
            return;
        }
        int status = error instanceof UpstreamError u ? u.upstreamStatus() : 0;
        failures.append(new UpstreamFailure(clock.instant(), attempt.requestId(), attempt.provider(), attempt.model(),
                status, error.code(), attempt.number(), outcome.tag()));
    }

    public Ring<UpstreamFailure> failures() {
        return failures;
    }
}
