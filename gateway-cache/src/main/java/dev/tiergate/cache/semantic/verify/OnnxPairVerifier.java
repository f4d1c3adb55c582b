package dev.tiergate.cache.semantic.verify;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The {@link PairVerifier} trained in {@code gateway-cache/training} (see its MODEL_CARD.md): the
 * {@link AlignmentFeatures} of a pair into a small ONNX classifier, with {@code verifier.json} beside
 * it (feature names, floor, calibration curve). The classifier (a 27 → 32 → 1 MLP) is evaluated in
 * plain Java from the ONNX file's weights ({@link FeedForwardModel}: under a microsecond a row, where
 * a call through DJL into ONNX Runtime cost 50–70 µs); the features take tens of microseconds. No
 * model run of the embedder is needed, since both sides' token states are in their evidence.
 * Immutable and thread-safe.
 */
public final class OnnxPairVerifier implements PairVerifier {
    /** The bundled model's resource base name. */
    public static final String BUNDLED = "/dev/tiergate/cache/semantic/verify/verifier";

    private final VerifierSpec spec;
    private final FeedForwardModel model;

    private OnnxPairVerifier(VerifierSpec spec, FeedForwardModel model) {
        this.spec = spec;
        this.model = model;
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
        FeedForwardModel model;
        try (InputStream onnx = resource(base + ".onnx")) {
            model = FeedForwardModel.read(onnx.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read verifier model " + base + ".onnx", e);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("verifier model " + base + ".onnx: " + e.getMessage(), e);
        }
        if (model.inputs() != spec.features().size()) {
            throw new IllegalStateException("verifier model " + base + ".onnx takes " + model.inputs()
                    + " features (verifier.json names " + spec.features().size() + ")");
        }
        return new OnnxPairVerifier(spec, model);
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
        float[] out = new float[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = model.probability(rows[i]);
        }
        return out;
    }

    @Override
    public void close() {
        // nothing held: the weights are plain arrays
    }

    private static InputStream resource(String name) {
        InputStream in = OnnxPairVerifier.class.getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException("verifier resource " + name + " is not on the classpath");
        }
        return in;
    }
}
