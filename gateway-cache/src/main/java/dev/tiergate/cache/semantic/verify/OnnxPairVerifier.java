package dev.tiergate.cache.semantic.verify;

import static java.util.Objects.requireNonNull;

import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import dev.tiergate.core.json.Json;
import dev.tiergate.inference.FeatureRowsTranslator;
import dev.tiergate.inference.OnnxRuntimeSetup;
import dev.tiergate.inference.PooledPredictor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The {@link PairVerifier} trained in {@code gateway-cache/training} (see its MODEL_CARD.md): the
 * {@link AlignmentFeatures} of a pair into a small ONNX classifier run by DJL on ONNX Runtime, with
 * {@code verifier.json} beside it (feature names, floor, calibration curve). The features take tens
 * of microseconds, the classifier about as long; no model run of the embedder is needed, since both
 * sides' token states are in their evidence. Thread-safe: predictors are pooled.
 */
public final class OnnxPairVerifier implements PairVerifier {
    /** The bundled model's resource base name. */
    public static final String BUNDLED = "/dev/tiergate/cache/semantic/verify/verifier";
    private static final int POOL_SIZE = 8;

    private final VerifierSpec spec;
    private final PooledPredictor<float[][], float[]> model;

    private OnnxPairVerifier(VerifierSpec spec, ZooModel<float[][], float[]> model) {
        this.spec = spec;
        this.model = new PooledPredictor<>("pair verifier " + spec.version(), model, POOL_SIZE);
    }

    /** Loads the bundled model. */
    public static OnnxPairVerifier load() {
        return fromResource(BUNDLED);
    }

    /** Loads {@code base + ".onnx"} and {@code base + ".json"} from the class path. */
    public static OnnxPairVerifier fromResource(String base) {
        requireNonNull(base, "base");
        VerifierSpec spec;
        try (InputStream json = resource(base + ".json")) {
            spec = Json.mapper().readValue(json, VerifierSpec.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read verifier metadata " + base + ".json", e);
        }
        spec.checkCompatible();
        Criteria.Builder<float[][], float[]> criteria = Criteria.builder()
                .setTypes(float[][].class, float[].class)
                .optTranslator(new FeatureRowsTranslator(spec.input()));
        return new OnnxPairVerifier(spec, OnnxRuntimeSetup.loadModel("pair verifier " + base + ".onnx",
                resource(base + ".onnx"), criteria, 1));
    }

    public VerifierSpec spec() {
        return spec;
    }

    @Override
    public double probability(PromptEvidence query, PromptEvidence candidate, double cosine) {
        return predict(new float[][] {AlignmentFeatures.of(query, candidate, cosine)})[0];
    }

    /** Every candidate's features in one model call. */
    @Override
    public double[] probabilities(AlignmentFeatures.Side query, List<AlignmentFeatures.Side> candidates,
                                  double[] cosines) {
        if (cosines.length != candidates.size()) {
            throw new IllegalArgumentException("cosines: " + cosines.length + " (expected: one per candidate, "
                    + candidates.size() + ")");
        }
        if (candidates.isEmpty()) {
            return new double[0];
        }
        float[][] rows = new float[candidates.size()][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = AlignmentFeatures.of(query, candidates.get(i), cosines[i]);
        }
        float[] predicted = predict(rows);
        double[] out = new double[predicted.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = predicted[i];
        }
        return out;
    }

    @Override
    public double operatingPoint(double precisionTarget) {
        return spec.operatingPoint(precisionTarget);
    }

    @Override
    public double floor() {
        return spec.floor();
    }

    @Override
    public String version() {
        return spec.version();
    }

    /** The model's probabilities for feature rows as they are (the export check, benchmarks). */
    public float[] predict(float[][] rows) {
        return model.predict(rows);
    }

    @Override
    public void close() {
        model.close();
    }

    private static InputStream resource(String name) {
        InputStream in = OnnxPairVerifier.class.getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException("verifier resource " + name + " is not on the classpath");
        }
        return in;
    }
}
