package dev.tiergate.server.dashboard;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * What the dashboard reads of the gateway's meters (since start, this replica): upstream latency per
 * provider from {@code tiergate.upstream.attempts}, breaker states from
 * {@code tiergate.upstream.breaker.state}, escalations per team from {@code tiergate.router.escalations}.
 */
public final class MeterReadings {
    private final MeterRegistry registry;

    public MeterReadings(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Every upstream attempt per provider (all models and outcomes), as buckets of the timer's bounds. */
    public Map<String, BucketCounts> upstreamLatency() {
        Map<String, BucketCounts> byProvider = new TreeMap<>();
        for (Timer timer : registry.find("tiergate.upstream.attempts").timers()) {
            byProvider.merge(timer.getId().getTag("provider"), buckets(timer), BucketCounts::plus);
        }
        return byProvider;
    }

    /** Breaker state per provider: {@code closed}, {@code half_open} or {@code open}. */
    public Map<String, String> breakerStates() {
        Map<String, String> byProvider = new TreeMap<>();
        for (Gauge gauge : registry.find("tiergate.upstream.breaker.state").gauges()) {
            double value = gauge.value();
            byProvider.put(gauge.getId().getTag("provider"), value >= 2 ? "open" : value >= 1 ? "half_open" : "closed");
        }
        return byProvider;
    }

    /** Cascade escalations per team, summed over causes and tiers. */
    public Map<String, Long> escalations() {
        Map<String, Long> byTeam = new TreeMap<>();
        for (Counter counter : registry.find("tiergate.router.escalations").counters()) {
            byTeam.merge(counter.getId().getTag("team"), Math.round(counter.count()), Long::sum);
        }
        return byTeam;
    }

    /** A timer's histogram, its cumulative bucket counts made per bucket, the rest above the highest bound. */
    static BucketCounts buckets(Timer timer) {
        HistogramSnapshot snapshot = timer.takeSnapshot();
        CountAtBucket[] cumulative = snapshot.histogramCounts();
        double[] bounds = new double[cumulative.length];
        long[] counts = new long[cumulative.length + 1];
        long below = 0;
        for (int i = 0; i < cumulative.length; i++) {
            bounds[i] = cumulative[i].bucket(TimeUnit.MILLISECONDS);
            long upTo = (long) cumulative[i].count();
            counts[i] = upTo - below;
            below = upTo;
        }
        counts[cumulative.length] = Math.max(0, snapshot.count() - below);
        return new BucketCounts(bounds, counts);
    }
}
