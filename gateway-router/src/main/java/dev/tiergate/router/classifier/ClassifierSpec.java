package dev.tiergate.router.classifier;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;
import java.util.List;

/**
 * The metadata written beside a classifier model by the training script: which embedding it
 * expects, its structural feature names and tier order (checked against this code at load), and
 * the thresholds on the complexity score for the default quality target, and the calibration curve
 * quality targets are turned into thresholds with (null for a model shipped without one).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ClassifierSpec(
        @JsonProperty("version") String version,
        @JsonProperty("embedding_model") String embeddingModel,
        @JsonProperty("embedding_dimensions") int embeddingDimensions,
        @JsonProperty("structural_features") List<String> structuralFeatures,
        @JsonProperty("tiers") List<String> tiers,
        @JsonProperty("input_name") String inputName,
        @JsonProperty("threshold_mid") double thresholdMid,
        @JsonProperty("threshold_frontier") double thresholdFrontier,
        @JsonProperty("calibration") CalibrationCurve calibration) {

    public ClassifierSpec {
        requireNonNull(version, "version");
        requireNonNull(embeddingModel, "embedding_model");
        requireNonNull(structuralFeatures, "structural_features");
        requireNonNull(tiers, "tiers");
        requireNonNull(inputName, "input_name");
        structuralFeatures = List.copyOf(structuralFeatures);
        tiers = List.copyOf(tiers);
    }

    /** The width of the model's input row: the embedding, then the structural features. */
    public int inputWidth() {
        return embeddingDimensions + structuralFeatures.size();
    }

    /** Fails when the model was trained on features or tiers this code does not compute. */
    void checkCompatible() {
        if (!structuralFeatures.equals(StructuralFeatures.NAMES)) {
            throw new IllegalStateException("classifier " + version + " expects structural features "
                    + structuralFeatures + " (expected: " + StructuralFeatures.NAMES + ")");
        }
        List<String> ours = Arrays.stream(ComplexityTier.values()).map(ComplexityTier::id).toList();
        if (!tiers.equals(ours)) {
            throw new IllegalStateException("classifier " + version + " has tiers " + tiers + " (expected: " + ours + ")");
        }
        if (embeddingDimensions <= 0) {
            throw new IllegalStateException("embedding_dimensions: " + embeddingDimensions + " (expected: > 0)");
        }
    }
}
