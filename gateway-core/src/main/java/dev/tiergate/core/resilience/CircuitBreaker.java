package dev.tiergate.core.resilience;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Instant;

/**
 * The breaker of one provider. Closed: calls pass, failures in a row are counted and the
 * threshold opens it. Open: calls are refused until the cool-down has passed, then the next call
 * is let through as the one probe and the breaker is half-open. Half-open: other calls are refused;
 * the probe's success closes it, its failure opens it again. Thread-safe; time comes from the
 * injected clock.
 */
public final class CircuitBreaker {

    /** The three states; {@link #tag()} is the lower-case name for logs and metrics. */
    public enum State {
        CLOSED, OPEN, HALF_OPEN;

        public String tag() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /** Told of every state change, outside the breaker's lock. */
    @FunctionalInterface
    public interface StateListener {
        void stateChanged(String provider, State from, State to);
    }

    private final String provider;
    private final CircuitBreakerPolicy policy;
    private final Clock clock;
    private final StateListener listener;
    private State state = State.CLOSED;
    private int failures;
    private Instant openedAt;
    private boolean probeInFlight;

    public CircuitBreaker(String provider, CircuitBreakerPolicy policy, Clock clock, StateListener listener) {
        this.provider = requireNonNull(provider, "provider");
        this.policy = requireNonNull(policy, "policy");
        this.clock = requireNonNull(clock, "clock");
        this.listener = requireNonNull(listener, "listener");
    }

    public String provider() {
        return provider;
    }

    public synchronized State state() {
        return state;
    }

    /**
     * Whether a call may go now. A granted call must end in {@link #onSuccess}, {@link #onFailure}
     * or {@link #onAbandoned}.
     */
    public boolean tryAcquire() {
        State from;
        synchronized (this) {
            switch (state) {
                case CLOSED -> {
                    return true;
                }
                case HALF_OPEN -> {
                    if (probeInFlight) {
                        return false;
                    }
                    probeInFlight = true;
                    return true;
                }
                default -> {
                    if (clock.instant().isBefore(openedAt.plus(policy.coolDown()))) {
                        return false;
                    }
                    from = state;
                    state = State.HALF_OPEN;
                    probeInFlight = true;
                }
            }
        }
        listener.stateChanged(provider, from, State.HALF_OPEN);
        return true;
    }

    /** The provider answered (a client error counts: the provider is up). */
    public void onSuccess() {
        State from;
        synchronized (this) {
            failures = 0;
            probeInFlight = false;
            if (state == State.CLOSED) {
                return;
            }
            from = state;
            state = State.CLOSED;
        }
        listener.stateChanged(provider, from, State.CLOSED);
    }

    /** The provider failed: an error status, a broken connection or a timeout. */
    public void onFailure() {
        State from;
        synchronized (this) {
            failures++;
            probeInFlight = false;
            if (state == State.OPEN || (state == State.CLOSED && failures < policy.failureThreshold())) {
                return;
            }
            from = state;
            state = State.OPEN;
            openedAt = clock.instant();
        }
        listener.stateChanged(provider, from, State.OPEN);
    }

    /** A granted call that ended without an outcome (cancelled): frees the half-open probe. */
    public synchronized void onAbandoned() {
        probeInFlight = false;
    }
}
