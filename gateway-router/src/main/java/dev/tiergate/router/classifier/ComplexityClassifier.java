package dev.tiergate.router.classifier;

/**
 * Scores how strong a model a prompt needs, from the prompt's sentence embedding and its text.
 * Calls take tens of microseconds to milliseconds: run them on a worker executor.
 */
public interface ComplexityClassifier extends AutoCloseable {

    /** The embedding model the classifier was trained on; embeddings of another model are not usable. */
    String embeddingModelId();

    int embeddingDimensions();

    /**
     * Classifies one prompt.
     *
     * @param embedding the prompt's embedding by {@link #embeddingModelId()}
     * @param text      the prompt's text, for the structural features
     */
    Classification classify(float[] embedding, String text);

    @Override
    default void close() {
    }
}
