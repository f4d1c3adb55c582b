package dev.tiergate.server.dashboard;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.resilience.UpstreamAttemptListener;
import dev.tiergate.server.requests.RequestListener;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;

/**
 * What the dashboard keeps for the gateway's lifetime, per replica: its sessions, the request log's
 * tail, the recent upstream failures, and the meters it reads. The tail and the failures are fed by
 * the request log and the dispatcher, the time the gateway adds by the server and the dispatcher
 * (each O(1) per request, bounded).
 */
public final class Dashboard {
    private final SessionStore sessions;
    private final RequestTail tail = new RequestTail();
    private final UpstreamFailures failures;
    private final GatewayLatency latency = new GatewayLatency();
    private final MeterRegistry meters;
    private final Clock clock;

    public Dashboard(MeterRegistry meters, Clock clock) {
        this.meters = requireNonNull(meters, "meters");
        this.clock = requireNonNull(clock, "clock");
        this.sessions = new SessionStore(clock);
        this.failures = new UpstreamFailures(clock);
    }

    public SessionStore sessions() {
        return sessions;
    }

    public RequestTail tail() {
        return tail;
    }

    public UpstreamFailures failures() {
        return failures;
    }

    public GatewayLatency latency() {
        return latency;
    }

    /** What the dispatcher tells the dashboard: failed attempts, and every attempt's time. */
    public UpstreamAttemptListener attempts() {
        return UpstreamAttemptListener.both(failures, latency.attempts());
    }

    /** What the server tells the dashboard of finished requests (the tail is fed by the request log). */
    public RequestListener requests() {
        return latency.requests();
    }

    public MeterRegistry meters() {
        return meters;
    }

    public Clock clock() {
        return clock;
    }
}
