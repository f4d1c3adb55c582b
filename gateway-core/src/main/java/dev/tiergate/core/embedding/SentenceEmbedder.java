package dev.tiergate.core.embedding;

/**
 * Turns a sentence into a unit-length vector. Implementations run a real model (DJL + ONNX
 * Runtime in {@code gateway-cache}); calls block for milliseconds, so callers run them on a
 * bounded worker executor, never on an event loop.
 */
public interface SentenceEmbedder extends AutoCloseable {

    /** Names the model, e.g. {@code all-minilm-l6-v2-q}; similarity thresholds belong to a model. */
    String modelId();

    int dimensions();

    /** An L2-normalised vector of {@link #dimensions()} floats. */
    float[] embed(String text);

    @Override
    default void close() {
    }
}
