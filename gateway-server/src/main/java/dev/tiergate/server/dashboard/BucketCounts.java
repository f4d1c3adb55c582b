package dev.tiergate.server.dashboard;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.core.accounting.UsageJson;
import java.util.Arrays;

/**
 * A latency histogram: upper bounds in milliseconds, ascending, and per bucket the values above the
 * previous bound up to its own (not cumulative); the last count is of the values above every bound.
 */
public record BucketCounts(double[] boundsMs, long[] counts) {
    public BucketCounts {
        boundsMs = boundsMs.clone();
        counts = counts.clone();
        if (counts.length != boundsMs.length + 1) {
            throw new IllegalArgumentException("counts: " + counts.length + " (expected: " + (boundsMs.length + 1)
                    + ", one per bound and one above them)");
        }
    }

    /** No values in buckets with these bounds. */
    public static BucketCounts empty(double[] boundsMs) {
        return new BucketCounts(boundsMs, new long[boundsMs.length + 1]);
    }

    public long count() {
        return Arrays.stream(counts).sum();
    }

    /** Both histograms' counts (the same bounds). */
    public BucketCounts plus(BucketCounts other) {
        if (!Arrays.equals(boundsMs, other.boundsMs)) {
            throw new IllegalArgumentException("bounds differ: " + Arrays.toString(boundsMs) + " and "
                    + Arrays.toString(other.boundsMs));
        }
        long[] sum = counts.clone();
        for (int i = 0; i < sum.length; i++) {
            sum[i] += other.counts[i];
        }
        return new BucketCounts(boundsMs, sum);
    }

    /**
     * The {@code q} quantile estimated as Prometheus' {@code histogram_quantile} does: linear within
     * its bucket (from 0 in the first), the highest bound when it falls above every bound; NaN when
     * there are no values.
     */
    public double quantile(double q) {
        long total = count();
        if (total == 0) {
            return Double.NaN;
        }
        double rank = q * total;
        long below = 0;
        for (int i = 0; i < boundsMs.length; i++) {
            long in = counts[i];
            if (in > 0 && below + in >= rank) {
                double lower = i == 0 ? 0 : boundsMs[i - 1];
                return lower + (boundsMs[i] - lower) * (rank - below) / in;
            }
            below += in;
        }
        return boundsMs.length == 0 ? Double.NaN : boundsMs[boundsMs.length - 1];
    }

    /** {@code count}, {@code p50_ms}, {@code p90_ms}, {@code p99_ms} (null without values) and {@code buckets}. */
    public ObjectNode toJson() {
        ObjectNode n = UsageJson.mapper().createObjectNode();
        n.put("count", count());
        putMs(n, "p50_ms", quantile(0.5));
        putMs(n, "p90_ms", quantile(0.9));
        putMs(n, "p99_ms", quantile(0.99));
        ArrayNode buckets = n.putArray("buckets");
        for (int i = 0; i < counts.length; i++) {
            ObjectNode b = buckets.addObject();
            if (i < boundsMs.length) {
                b.put("le_ms", boundsMs[i]);
            } else {
                b.putNull("le_ms");
            }
            b.put("count", counts[i]);
        }
        return n;
    }

    private static void putMs(ObjectNode n, String field, double ms) {
        if (Double.isNaN(ms)) {
            n.putNull(field);
        } else {
            n.put(field, Math.round(ms * 1000) / 1000.0);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BucketCounts b && Arrays.equals(boundsMs, b.boundsMs) && Arrays.equals(counts, b.counts);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(boundsMs) + Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        return "BucketCounts[bounds=" + Arrays.toString(boundsMs) + ", counts=" + Arrays.toString(counts) + "]";
    }
}
