package dev.tiergate.cache.semantic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiergate.cache.semantic.guard.PromptFeatures;
import dev.tiergate.cache.semantic.lsh.Vectors;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A probe's cosine read in place is the cosine of its decoded vector, bit for bit. */
class EntryProbeTest {

    private static float[] unit(Random random, int dimensions) {
        float[] v = new float[dimensions];
        double norm = 0;
        for (int i = 0; i < dimensions; i++) {
            v[i] = (float) random.nextGaussian();
            norm += (double) v[i] * v[i];
        }
        for (int i = 0; i < dimensions; i++) {
            v[i] = (float) (v[i] / Math.sqrt(norm));
        }
        return v;
    }

    @Test
    void theCosineReadInPlaceIsTheDecodedVectorsBitForBit() {
        Random random = new Random(7);
        PromptFeatures features = PromptFeatures.of("How many 2 liter bottles fit in 3 boxes, not counting \"Sam\"?");
        for (int round = 0; round < 200; round++) {
            float[] query = unit(random, 384);
            byte[] bytes = new EntryProbe(unit(random, 384), features).toBytes();
            double expected = Vectors.dot(query, EntryProbe.vectorOf(bytes));
            assertThat(Double.doubleToRawLongBits(EntryProbe.cosine(query, bytes)))
                    .isEqualTo(Double.doubleToRawLongBits(expected));
            assertThat(EntryProbe.featuresOf(bytes)).isEqualTo(features);
        }
    }

    @Test
    void aStoredVectorOfAnotherLengthIsNoCosine() {
        Random random = new Random(8);
        byte[] bytes = new EntryProbe(unit(random, 128), PromptFeatures.of("hi")).toBytes();
        assertThat(EntryProbe.cosine(unit(random, 384), bytes)).isNaN();
    }
}
