package dev.tiergate.router.classifier;

import static java.util.Objects.requireNonNull;

import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import dev.tiergate.core.json.Json;
import dev.tiergate.core.tokens.TokenCounter;
import dev.tiergate.inference.FeatureRowsTranslator;
import dev.tiergate.inference.OnnxRuntimeSetup;
import dev.tiergate.inference.PooledPredictor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The complexity classifier trained by {@code gateway-router/training/train.sh}: an ONNX graph
 * (standardisation, then logistic regression or a small MLP, then softmax over the tiers) run by
 * DJL on the ONNX Runtime engine, offline ({@link OnnxRuntimeSetup}). Input: one row per prompt, the sentence embedding
 * followed by {@link StructuralFeatures} (their {@code log_tokens} counted with
 * {@value StructuralFeatures#TOKEN_ENCODING}); output: one probability per {@link ComplexityTier}.
 *
 * <p>Thread-safe: DJL predictors are not, so each call borrows one from a small pool ({@link PooledPredictor}).
 */
public final class OnnxComplexityClassifier implements ComplexityClassifier {
    /** The classpath location of the committed model and its metadata, without extension. */
    public static final String DEFAULT_RESOURCE = "/dev/tiergate/router/classifier/complexity-v1";
    private static final int POOL_SIZE = 16;

    private final ClassifierSpec spec;
    private final PooledPredictor<float[][], float[]> model;
    private final TokenCounter tokens;

    private OnnxComplexityClassifier(ClassifierSpec spec, ZooModel<float[][], float[]> model, TokenCounter tokens) {
        this.spec = spec;
        this.model = new PooledPredictor<>("classifier " + spec.version(), model, POOL_SIZE);
        this.tokens = tokens;
    }

    /**
     * Loads the committed model.
     *
     * @param tokens counts the {@code log_tokens} feature; it must use {@value StructuralFeatures#TOKEN_ENCODING}
     */
    public static OnnxComplexityClassifier load(TokenCounter tokens) {
        return fromResource(DEFAULT_RESOURCE, tokens);
    }

    /**
     * Loads {@code base + ".onnx"} and its metadata {@code base + ".json"} from the classpath.
     *
     * @param tokens counts the {@code log_tokens} feature; it must use {@value StructuralFeatures#TOKEN_ENCODING}
     * @throws IllegalArgumentException when {@code tokens} counts with another encoding
     * @throws IllegalStateException    when a resource is missing or the model does not fit this code
     */
    public static OnnxComplexityClassifier fromResource(String base, TokenCounter tokens) {
        requireNonNull(base, "base");
        requireNonNull(tokens, "tokens");
        if (!tokens.encoding().equals(StructuralFeatures.TOKEN_ENCODING)) {
            throw new IllegalArgumentException("tokens: " + tokens.encoding() + " (expected: "
                    + StructuralFeatures.TOKEN_ENCODING + ", the encoding the classifier's log_tokens was trained on)");
        }
        ClassifierSpec spec;
        try (InputStream json = resource(base + ".json")) {
            spec = Json.mapper().readValue(json, ClassifierSpec.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read classifier metadata " + base + ".json", e);
        }
        spec.checkCompatible();
        Criteria.Builder<float[][], float[]> criteria = Criteria.builder()
                .setTypes(float[][].class, float[].class)
                .optTranslator(new FeatureRowsTranslator(spec.inputName()));
        ZooModel<float[][], float[]> model = OnnxRuntimeSetup.loadModel("classifier model " + base + ".onnx",
                resource(base + ".onnx"), criteria, 1);
        return new OnnxComplexityClassifier(spec, model, tokens);
    }

    public ClassifierSpec spec() {
        return spec;
    }

    @Override
    public String embeddingModelId() {
        return spec.embeddingModel();
    }

    @Override
    public int embeddingDimensions() {
        return spec.embeddingDimensions();
    }

    @Override
    public Classification classify(float[] embedding, String text) {
        requireNonNull(embedding, "embedding");
        if (embedding.length != spec.embeddingDimensions()) {
            throw new IllegalArgumentException("embedding: " + embedding.length + " dimensions (expected: "
                    + spec.embeddingDimensions() + " from " + spec.embeddingModel() + ")");
        }
        float[] row = new float[spec.inputWidth()];
        System.arraycopy(embedding, 0, row, 0, embedding.length);
        float[] structural = StructuralFeatures.of(text, tokens);
        System.arraycopy(structural, 0, row, embedding.length, structural.length);
        return new Classification(predict(new float[][] {row})[0]);
    }

    /** Runs the model on feature rows as they are (the probe test, the training check). */
    public float[][] predict(float[][] rows) {
        for (float[] row : rows) {
            if (row.length != spec.inputWidth()) {
                throw new IllegalArgumentException("feature row: " + row.length + " values (expected: "
                        + spec.inputWidth() + ")");
            }
        }
        float[] flat = model.predict(rows);
        int classes = spec.tiers().size();
        float[][] out = new float[flat.length / classes][classes];
        for (int i = 0; i < out.length; i++) {
            System.arraycopy(flat, i * classes, out[i], 0, classes);
        }
        return out;
    }

    @Override
    public void close() {
        model.close();
    }

    private static InputStream resource(String name) {
        InputStream in = OnnxComplexityClassifier.class.getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException("classifier resource " + name + " is not on the classpath");
        }
        return in;
    }
}
