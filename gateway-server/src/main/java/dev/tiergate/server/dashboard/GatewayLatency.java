package dev.tiergate.server.dashboard;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tiergate.core.accounting.UsageRecord;
import dev.tiergate.core.error.GatewayError;
import dev.tiergate.core.resilience.AttemptOutcome;
import dev.tiergate.core.resilience.UpstreamAttempt;
import dev.tiergate.core.resilience.UpstreamAttemptListener;
import dev.tiergate.server.requests.RequestListener;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

/**
 * The time the gateway adds to a request: its time to the last byte minus the time of its
 * upstream attempts, for answered (2xx), non-streamed paid requests (a stream's attempts are timed
 * to their first chunk, so the rest of the stream would count as the gateway's). The attempts'
 * times are held per request id until the request finishes (bounded: requests that never finish
 * here, such as shadow checks, fall out).
 */
public final class GatewayLatency {
    /** Bucket bounds, milliseconds. */
    static final double[] BOUNDS_MS = {0.5, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500};
    private static final int HELD = 10_000;

    private final LatencyHistogram histogram = new LatencyHistogram(BOUNDS_MS);
    /** Kept up on the calling thread: no pool thread woken per request on a core the event loop shares. */
    private final Cache<String, LongAdder> upstreamNanos = Caffeine.newBuilder()
            .executor(Runnable::run).maximumSize(HELD).expireAfterWrite(Duration.ofMinutes(10)).build();

    /** Adds each finished attempt's time to its request. */
    public UpstreamAttemptListener attempts() {
        return new UpstreamAttemptListener() {
            @Override
            public void attemptSucceeded(UpstreamAttempt attempt, Duration duration) {
                add(attempt, duration);
            }

            @Override
            public void attemptFailed(UpstreamAttempt attempt, AttemptOutcome outcome, GatewayError error,
                                      Duration duration) {
                add(attempt, duration);
            }
        };
    }

    /** Counts each answered, non-streamed paid request. */
    public RequestListener requests() {
        return r -> {
            LongAdder upstream = upstreamNanos.asMap().remove(r.requestId());
            if (r.facts() == null || r.status() < 200 || r.status() > 299) {
                return;
            }
            UsageRecord usage = r.facts().usage().get();
            if (usage == null || usage.stream()) {
                return;
            }
            histogram.record(Math.max(0, r.durationNanos() - (upstream == null ? 0 : upstream.sum())));
        };
    }

    public BucketCounts snapshot() {
        return histogram.snapshot();
    }

    private void add(UpstreamAttempt attempt, Duration duration) {
        upstreamNanos.get(attempt.requestId(), id -> new LongAdder()).add(duration.toNanos());
    }
}
