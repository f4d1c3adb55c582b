package dev.tiergate.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LatencyTest {
    @Test
    void quantilesAreInterpolatedWithinTheirBucket() {
        BucketCounts buckets = new BucketCounts(new double[] {10, 20, 40}, new long[] {0, 50, 50, 0});
        assertThat(buckets.count()).isEqualTo(100);
        assertThat(buckets.quantile(0.5)).isCloseTo(20, within(1e-9));
        assertThat(buckets.quantile(0.25)).isCloseTo(15, within(1e-9));
        assertThat(buckets.quantile(0.99)).isCloseTo(39.6, within(1e-9));
        assertThat(new BucketCounts(new double[] {10}, new long[] {0, 5}).quantile(0.5)).as("above every bound")
                .isEqualTo(10);
        assertThat(BucketCounts.empty(new double[] {10}).quantile(0.5)).isNaN();
        assertThat(BucketCounts.empty(new double[] {10}).toJson().path("p50_ms").isNull()).isTrue();
    }

    @Test
    void theHistogramCountsEachDurationInOneBucket() {
        LatencyHistogram histogram = new LatencyHistogram(0.5, 1, 2);
        for (long micros : new long[] {100, 500, 501, 1500, 2000, 9000}) {
            histogram.record(micros * 1000);
        }
        assertThat(histogram.snapshot().counts()).containsExactly(2, 1, 2, 1);
    }

    @Test
    void aPrometheusTimersCumulativeBucketsAreMadePerBucket() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Timer timer = Timer.builder("tiergate.upstream.attempts").tags("provider", "up", "model", "m", "outcome", "ok")
                .serviceLevelObjectives(Duration.ofMillis(25), Duration.ofMillis(100)).register(registry);
        Timer other = Timer.builder("tiergate.upstream.attempts").tags("provider", "up", "model", "n", "outcome", "ok")
                .serviceLevelObjectives(Duration.ofMillis(25), Duration.ofMillis(100)).register(registry);
        for (long ms : new long[] {5, 30, 50, 500}) {
            timer.record(Duration.ofMillis(ms));
        }
        other.record(Duration.ofMillis(10));
        BucketCounts up = new MeterReadings(registry).upstreamLatency().get("up");
        assertThat(up.boundsMs()).containsExactly(25, 100);
        assertThat(up.counts()).containsExactly(2, 2, 1);
        registry.close();
    }
}
