package dev.tiergate.cache.semantic.lsh;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Small helpers for float vectors: dot product (the cosine of unit vectors) and a byte form. */
public final class Vectors {
    private static final VarHandle LITTLE_ENDIAN_FLOAT =
            MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);

    private Vectors() {
    }

    public static double dot(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("vectors of " + a.length + " and " + b.length
                    + " dimensions (expected: equal)");
        }
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    /**
     * {@link #dot} of {@code a} and the vector whose {@link #toBytes byte form} starts at {@code offset}
     * of {@code bytes} ({@code a.length} floats), read in place: the same value bit for bit, without
     * decoding the vector into an array (a lookup compares dozens of stored vectors).
     */
    public static double dot(float[] a, byte[] bytes, int offset) {
        if (offset < 0 || bytes.length - offset < a.length * Float.BYTES) {
            throw new IllegalArgumentException("vector bytes: " + (bytes.length - offset) + " from " + offset
                    + " (expected: " + a.length * Float.BYTES + ")");
        }
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * (float) LITTLE_ENDIAN_FLOAT.get(bytes, offset + i * Float.BYTES);
        }
        return sum;
    }

    /** Little-endian IEEE 754 floats, four bytes each. */
    public static byte[] toBytes(float[] vector) {
        ByteBuffer buffer = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(vector);
        return buffer.array();
    }

    public static float[] fromBytes(byte[] bytes) {
        if (bytes.length % Float.BYTES != 0) {
            throw new IllegalArgumentException("vector bytes: " + bytes.length + " (expected: a multiple of 4)");
        }
        float[] vector = new float[bytes.length / Float.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(vector);
        return vector;
    }
}
