package dev.tiergate.server.dashboard;

import java.util.concurrent.atomic.LongAdder;

/** Counts durations into fixed buckets; O(1) per value, no lock. */
public final class LatencyHistogram {
    private final double[] boundsMs;
    private final LongAdder[] counts;

    public LatencyHistogram(double... boundsMs) {
        for (int i = 1; i < boundsMs.length; i++) {
            if (boundsMs[i] <= boundsMs[i - 1]) {
                throw new IllegalArgumentException("bounds must ascend: " + java.util.Arrays.toString(boundsMs));
            }
        }
        this.boundsMs = boundsMs.clone();
        this.counts = new LongAdder[boundsMs.length + 1];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    public void record(long nanos) {
        double ms = nanos / 1_000_000.0;
        int bucket = 0;
        while (bucket < boundsMs.length && ms > boundsMs[bucket]) {
            bucket++;
        }
        counts[bucket].increment();
    }

    public BucketCounts snapshot() {
        long[] now = new long[counts.length];
        for (int i = 0; i < now.length; i++) {
            now[i] = counts[i].sum();
        }
        return new BucketCounts(boundsMs, now);
    }
}
