package dev.tiergate.router.bench;

import java.util.Random;

/** Inputs the router benchmarks share. */
final class BenchVectors {
    private BenchVectors() {
    }

    /** A random unit vector (a stand-in for a normalised sentence embedding), the same for the same seed. */
    static float[] unitVector(int dimensions, long seed) {
        float[] v = new float[dimensions];
        Random random = new Random(seed);
        double norm = 0;
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextGaussian();
            norm += v[i] * v[i];
        }
        for (int i = 0; i < v.length; i++) {
            v[i] /= (float) Math.sqrt(norm);
        }
        return v;
    }
}
