package dev.tiergate.core.testing;

import dev.tiergate.core.error.GatewayError;
import dev.tiergate.core.resilience.AttemptOutcome;
import dev.tiergate.core.resilience.CircuitBreaker;
import dev.tiergate.core.resilience.UpstreamAttempt;
import dev.tiergate.core.resilience.UpstreamAttemptListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Records what an attempt listener hears as short lines: {@code "p1/m1#1 retryable-error"},
 * {@code "p2/m2#3 success"}, {@code "skip m1"}, {@code "p1 closed->open"}; backoffs apart.
 */
public final class RecordingAttemptListener implements UpstreamAttemptListener {
    private final List<String> events = new ArrayList<>();
    private final List<Duration> backoffs = new ArrayList<>();

    public synchronized List<String> events() {
        return List.copyOf(events);
    }

    public synchronized List<Duration> backoffs() {
        return List.copyOf(backoffs);
    }

    public synchronized void clear() {
        events.clear();
        backoffs.clear();
    }

    @Override
    public synchronized void attemptSucceeded(UpstreamAttempt attempt, Duration duration) {
        events.add(name(attempt) + " success");
    }

    @Override
    public synchronized void attemptFailed(UpstreamAttempt attempt, AttemptOutcome outcome, GatewayError error,
                                           Duration duration) {
        events.add(name(attempt) + " " + outcome.tag());
    }

    @Override
    public synchronized void retryScheduled(UpstreamAttempt failed, Duration backoff) {
        backoffs.add(backoff);
    }

    @Override
    public synchronized void modelSkipped(String requestId, String model, String reason) {
        events.add("skip " + model);
    }

    @Override
    public synchronized void stateChanged(String provider, CircuitBreaker.State from, CircuitBreaker.State to) {
        events.add(provider + " " + from.tag() + "->" + to.tag());
    }

    private static String name(UpstreamAttempt attempt) {
        return attempt.provider() + "/" + attempt.model() + "#" + attempt.number();
    }
}
