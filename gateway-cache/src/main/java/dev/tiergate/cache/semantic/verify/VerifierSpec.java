package dev.tiergate.cache.semantic.verify;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * {@code verifier.json}, written by {@code gateway-cache/training/train.py} beside {@code verifier.onnx}:
 * what the model expects and its calibration curve.
 *
 * @param version        the model's version
 * @param design         the design chosen at training (e.g. {@code verifier-mlp})
 * @param embeddingModel the embedding model whose token states the features come from
 * @param input          the graph's input name
 * @param features       the feature names, in input order: must equal {@link AlignmentFeatures#NAMES}
 * @param floor          the least cosine of a candidate worth verifying
 * @param guards         whether the model was chosen with the default lexical guards in front of it
 * @param calibration    precision and recall by probability threshold on the calibration split, ascending
 * @param probe          a few feature rows and the probabilities training computed for them
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record VerifierSpec(
        String version,
        String design,
        @JsonProperty("embedding_model") String embeddingModel,
        String input,
        List<String> features,
        double floor,
        boolean guards,
        List<Point> calibration,
        Probe probe) {

    /** One point of the calibration curve. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Point(double threshold, double precision, double recall) {
    }

    /** Rows and the probabilities training computed for them (the export check). */
    public record Probe(List<float[]> features, List<Double> probability) {
    }

    public VerifierSpec {
        requireNonNull(version, "version");
        requireNonNull(features, "features");
        calibration = List.copyOf(requireNonNull(calibration, "calibration"));
        if (calibration.isEmpty()) {
            throw new IllegalArgumentException("calibration: empty (expected: precision by threshold)");
        }
    }

    /** Fails unless the model was trained on the features this code computes. */
    void checkCompatible() {
        if (!features.equals(AlignmentFeatures.NAMES)) {
            throw new IllegalStateException("verifier " + version + " expects features " + features
                    + " (this code computes " + AlignmentFeatures.NAMES + ")");
        }
    }

    /**
     * The least threshold at which the calibrated precision of all hits at or above it reaches
     * {@code target}; 1.0 (nothing passes but a certain pair) when none does. A higher target never
     * gives a lower threshold: a threshold that meets a target meets every lower target too.
     */
    public double operatingPoint(double target) {
        for (Point point : calibration) {
            if (point.precision() >= target && point.recall() > 0) {
                return point.threshold();
            }
        }
        return 1.0;
    }
}
