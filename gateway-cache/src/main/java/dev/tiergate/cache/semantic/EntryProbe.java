package dev.tiergate.cache.semantic;

import static java.util.Objects.requireNonNull;

import dev.tiergate.cache.semantic.guard.PromptFeatures;
import dev.tiergate.cache.semantic.lsh.Vectors;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The plain form of an entry's probe part, sealed before it is stored: the prompt's unit vector
 * and its guard features. Byte form: the vector's length in bytes (int), the vector (little-endian
 * floats), then the encoded features (UTF-8).
 */
record EntryProbe(float[] vector, PromptFeatures features) {
    EntryProbe {
        requireNonNull(vector, "vector");
        requireNonNull(features, "features");
    }

    byte[] toBytes() {
        byte[] v = Vectors.toBytes(vector);
        byte[] f = features.encode().getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + v.length + f.length).putInt(v.length).put(v).put(f).array();
    }

    static EntryProbe fromBytes(byte[] bytes) {
        return new EntryProbe(vectorOf(bytes), featuresOf(bytes));
    }

    /** The vector of a probe's bytes, without decoding its features (a lookup compares many vectors). */
    static float[] vectorOf(byte[] bytes) {
        return Vectors.fromBytes(Arrays.copyOfRange(bytes, 4, 4 + vectorBytes(bytes)));
    }

    /**
     * The cosine of {@code query} (a unit vector) with the vector of a probe's bytes, read in place
     * ({@link Vectors#dot(float[], byte[], int)}: equal to {@code Vectors.dot(query, vectorOf(bytes))}
     * without copying the vector out); NaN when the stored vector has another length.
     */
    static double cosine(float[] query, byte[] bytes) {
        int vectorBytes = vectorBytes(bytes);
        return vectorBytes != query.length * Float.BYTES ? Double.NaN : Vectors.dot(query, bytes, 4);
    }

    /** The features of a probe's bytes. */
    static PromptFeatures featuresOf(byte[] bytes) {
        int from = 4 + vectorBytes(bytes);
        return PromptFeatures.decode(new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8));
    }

    private static int vectorBytes(byte[] bytes) {
        int vectorBytes = bytes.length < 4 ? -1 : ByteBuffer.wrap(bytes).getInt();
        if (vectorBytes < 0 || vectorBytes > bytes.length - 4) {
            throw new IllegalArgumentException("probe: vector of " + vectorBytes + " bytes in " + bytes.length);
        }
        return vectorBytes;
    }
}
