package dev.tiergate.cache.semantic.lsh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RandomHyperplaneLshTest {

    @Test
    void everyInstanceWithTheSameSeedComputesTheSameBands() {
        RandomHyperplaneLsh one = RandomHyperplaneLsh.of(384);
        RandomHyperplaneLsh two = RandomHyperplaneLsh.of(384);
        for (int i = 0; i < 20; i++) {
            float[] v = randomUnit(384, new SplittableRandom(i));
            assertThat(one.bands(v)).containsExactly(two.bands(v));
        }
        assertThat(one.layout()).isEqualTo("16x8@7469657267617465");
    }

    @Test
    void bandsAreStableAcrossJvmsAndVersions() {
        // A golden value: replicas sharing a Redis store must agree, so the generator must never change.
        float[] v = new float[8];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i % 2 == 0 ? 1f : -0.5f) * (i + 1);
        }
        RandomHyperplaneLsh lsh = new RandomHyperplaneLsh(8, 4, 8, RandomHyperplaneLsh.DEFAULT_SEED);
        assertThat(lsh.bands(v)).containsExactly(2, 110, 188, 10);
    }

    @Test
    void allProjectionsInOnePassGiveTheBandsOfOnePlaneAtATime() {
        // A golden digest of 1,000 vectors' bands (384 dimensions, the default layout), computed by the
        // earlier loop (one Vectors.dot per hyperplane, commit a94cded): entries stored by it stay found.
        RandomHyperplaneLsh lsh = RandomHyperplaneLsh.of(384);
        long digest = 17;
        for (int i = 0; i < 1000; i++) {
            for (int band : lsh.bands(randomUnit(384, new SplittableRandom(1000 + i)))) {
                digest = digest * 31 + band;
            }
        }
        assertThat(digest).isEqualTo(-5891641455587274457L);
    }

    @Test
    void otherSeedsGiveOtherHyperplanes() {
        float[] v = randomUnit(64, new SplittableRandom(1));
        int[] a = new RandomHyperplaneLsh(64, 16, 8, 1).bands(v);
        int[] b = new RandomHyperplaneLsh(64, 16, 8, 2).bands(v);
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void closeVectorsShareBandsAndUnrelatedOnesRarelyDo() {
        RandomHyperplaneLsh lsh = RandomHyperplaneLsh.of(384);
        SplittableRandom random = new SplittableRandom(42);
        int closeShared = 0;
        int farShared = 0;
        for (int i = 0; i < 200; i++) {
            float[] a = randomUnit(384, random);
            float[] noise = randomUnit(384, random);
            float[] close = new float[384];
            for (int d = 0; d < 384; d++) {
                close[d] = a[d] + 0.35f * noise[d];
            }
            normalise(close);
            assertThat(Vectors.dot(a, close)).isGreaterThan(0.9);
            closeShared += sharesABand(lsh.bands(a), lsh.bands(close)) ? 1 : 0;
            farShared += sharesABand(lsh.bands(a), lsh.bands(randomUnit(384, random))) ? 1 : 0;
        }
        assertThat(closeShared).isGreaterThanOrEqualTo(198);
        assertThat(farShared).isLessThan(30);
    }

    @Test
    void rejectsBadLayoutsAndVectors() {
        assertThatThrownBy(() -> new RandomHyperplaneLsh(0, 16, 8, 1)).hasMessage("dimensions: 0 (expected: > 0)");
        assertThatThrownBy(() -> new RandomHyperplaneLsh(8, 0, 8, 1)).hasMessage("tables: 0 (expected: 1..64)");
        assertThatThrownBy(() -> new RandomHyperplaneLsh(8, 4, 31, 1)).hasMessage("bitsPerTable: 31 (expected: 1..30)");
        assertThatThrownBy(() -> RandomHyperplaneLsh.of(8).bands(new float[4]))
                .hasMessage("vector: 4 dimensions (expected: 8)");
    }

    @Test
    void vectorsRoundTripThroughBytes() {
        float[] v = randomUnit(384, new SplittableRandom(3));
        assertThat(Vectors.fromBytes(Vectors.toBytes(v))).containsExactly(v);
        assertThat(Vectors.toBytes(v)).hasSize(384 * 4);
    }

    private static boolean sharesABand(int[] a, int[] b) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == b[i]) {
                return true;
            }
        }
        return false;
    }

    static float[] randomUnit(int dims, SplittableRandom random) {
        float[] v = new float[dims];
        for (int i = 0; i < dims; i++) {
            v[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return normalise(v);
    }

    private static float[] normalise(float[] v) {
        double norm = Math.sqrt(Vectors.dot(v, v));
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (v[i] / norm);
        }
        return v;
    }
}
