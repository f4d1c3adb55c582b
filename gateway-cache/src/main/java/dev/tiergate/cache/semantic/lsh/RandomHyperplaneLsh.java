package dev.tiergate.cache.semantic.lsh;

/**
 * Locality-sensitive hashing for cosine similarity: {@code tables} bands of {@code bitsPerTable}
 * sign bits, each bit the side of a random hyperplane a vector falls on. Two unit vectors at angle
 * θ agree on a bit with probability 1 − θ/π, so close vectors share a band in at least one table
 * with high probability while unrelated ones rarely do.
 *
 * <p>The hyperplanes come from a fixed-algorithm generator (SplitMix64 and Box–Muller through
 * {@link StrictMath}) seeded by {@code seed}: every replica and every JVM version computes the
 * same bands, so a Redis store can be shared. Immutable and thread-safe.
 */
public final class RandomHyperplaneLsh {
    /** "tiergate" in ASCII. */
    public static final long DEFAULT_SEED = 0x7469657267617465L;
    public static final int DEFAULT_TABLES = 16;
    public static final int DEFAULT_BITS_PER_TABLE = 8;

    private final int dimensions;
    private final int tables;
    private final int bitsPerTable;
    private final long seed;
    private final float[][] planes;
    /** The planes transposed, dimension-major ({@code [d * planes + p]}): all projections in one pass. */
    private final float[] byDimension;

    public RandomHyperplaneLsh(int dimensions, int tables, int bitsPerTable, long seed) {
        if (dimensions <= 0) {
            throw new IllegalArgumentException("dimensions: " + dimensions + " (expected: > 0)");
        }
        if (tables <= 0 || tables > 64) {
            throw new IllegalArgumentException("tables: " + tables + " (expected: 1..64)");
        }
        if (bitsPerTable <= 0 || bitsPerTable > 30) {
            throw new IllegalArgumentException("bitsPerTable: " + bitsPerTable + " (expected: 1..30)");
        }
        this.dimensions = dimensions;
        this.tables = tables;
        this.bitsPerTable = bitsPerTable;
        this.seed = seed;
        this.planes = new float[tables * bitsPerTable][dimensions];
        SplitMix64 random = new SplitMix64(seed);
        for (float[] plane : planes) {
            for (int d = 0; d < dimensions; d++) {
                plane[d] = (float) random.nextGaussian();
            }
        }
        this.byDimension = new float[dimensions * planes.length];
        for (int p = 0; p < planes.length; p++) {
            for (int d = 0; d < dimensions; d++) {
                byDimension[d * planes.length + p] = planes[p][d];
            }
        }
    }

    /** {@value #DEFAULT_TABLES} tables of {@value #DEFAULT_BITS_PER_TABLE} bits with the default seed. */
    public static RandomHyperplaneLsh of(int dimensions) {
        return new RandomHyperplaneLsh(dimensions, DEFAULT_TABLES, DEFAULT_BITS_PER_TABLE, DEFAULT_SEED);
    }

    /** One band per table: the table's sign bits, first hyperplane in the lowest bit. */
    public int[] bands(float[] vector) {
        if (vector.length != dimensions) {
            throw new IllegalArgumentException("vector: " + vector.length + " dimensions (expected: " + dimensions
                    + ")");
        }
        // Every plane's projection at once, dimension by dimension: each sum adds the same float
        // products in the same order as Vectors.dot(plane, vector), so the signs (the buckets every
        // replica must agree on) are bit for bit the same; the inner loop runs over independent
        // sums, which the JIT vectorises (a single dot product's double sum it cannot reorder).
        int count = planes.length;
        double[] projections = new double[count];
        for (int d = 0; d < dimensions; d++) {
            float x = vector[d];
            int row = d * count;
            for (int p = 0; p < count; p++) {
                projections[p] += byDimension[row + p] * x;
            }
        }
        int[] bands = new int[tables];
        for (int t = 0; t < tables; t++) {
            int band = 0;
            for (int b = 0; b < bitsPerTable; b++) {
                if (projections[t * bitsPerTable + b] >= 0) {
                    band |= 1 << b;
                }
            }
            bands[t] = band;
        }
        return bands;
    }

    public int dimensions() {
        return dimensions;
    }

    public int tables() {
        return tables;
    }

    public int bitsPerTable() {
        return bitsPerTable;
    }

    public long seed() {
        return seed;
    }

    /** Names the layout, e.g. {@code 16x8@7469657267617465}: stores keep indexes of different layouts apart. */
    public String layout() {
        return tables + "x" + bitsPerTable + "@" + Long.toHexString(seed);
    }

    /** SplitMix64 (Steele, Lea, Flood 2014): a fixed algorithm, unlike the JDK's generators' Gaussians. */
    private static final class SplitMix64 {
        private long state;
        private double spare = Double.NaN;

        SplitMix64(long seed) {
            this.state = seed;
        }

        long nextLong() {
            long z = (state += 0x9E3779B97F4A7C15L);
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            return z ^ (z >>> 31);
        }

        /** Uniform in (0, 1]. */
        double nextDouble() {
            return ((nextLong() >>> 11) + 1) * 0x1.0p-53;
        }

        double nextGaussian() {
            if (!Double.isNaN(spare)) {
                double value = spare;
                spare = Double.NaN;
                return value;
            }
            double radius = StrictMath.sqrt(-2 * StrictMath.log(nextDouble()));
            double angle = 2 * StrictMath.PI * nextDouble();
            spare = radius * StrictMath.sin(angle);
            return radius * StrictMath.cos(angle);
        }
    }
}
