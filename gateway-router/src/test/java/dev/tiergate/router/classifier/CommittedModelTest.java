package dev.tiergate.router.classifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tiergate.core.json.Json;
import dev.tiergate.inference.tokens.JtokkitTokenCounter;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The committed model run by DJL on ONNX Runtime gives the probabilities sklearn gave for the same
 * feature rows (the probe file train.py writes), so the runtime computes what was trained.
 */
class CommittedModelTest {
    private static OnnxComplexityClassifier classifier;

    @BeforeAll
    static void load() {
        classifier = OnnxComplexityClassifier.load(JtokkitTokenCounter.cl100k());
    }

    @AfterAll
    static void close() {
        classifier.close();
    }

    @Test
    void expectsTheSharedSentenceEmbedding() {
        assertThat(classifier.embeddingModelId()).isEqualTo("all-minilm-l6-v2-q");
        assertThat(classifier.embeddingDimensions()).isEqualTo(384);
        assertThat(classifier.spec().structuralFeatures()).isEqualTo(StructuralFeatures.NAMES);
        assertThat(classifier.spec().thresholdMid()).isBetween(0.0, classifier.spec().thresholdFrontier());
        assertThat(classifier.spec().thresholdFrontier()).isLessThanOrEqualTo(1.0);
    }

    @Test
    void djlOutputsMatchTheProbeFile() throws IOException {
        JsonNode probe;
        try (InputStream in = getClass().getResourceAsStream(
                OnnxComplexityClassifier.DEFAULT_RESOURCE + "-probe.json")) {
            assertThat(in).as("probe file written by train.py").isNotNull();
            probe = Json.mapper().readTree(in);
        }
        double tolerance = probe.get("tolerance").asDouble();
        JsonNode rows = probe.get("rows");
        assertThat(rows.size()).isGreaterThanOrEqualTo(12);
        float[][] features = new float[rows.size()][];
        for (int i = 0; i < rows.size(); i++) {
            JsonNode values = rows.get(i).get("features");
            features[i] = new float[values.size()];
            for (int j = 0; j < values.size(); j++) {
                features[i][j] = (float) values.get(j).asDouble();
            }
        }
        float[][] actual = classifier.predict(features);
        for (int i = 0; i < rows.size(); i++) {
            JsonNode expected = rows.get(i).get("expected");
            for (int k = 0; k < expected.size(); k++) {
                assertThat((double) actual[i][k]).as("row %d, tier %d", i, k)
                        .isCloseTo(expected.get(k).asDouble(), within(tolerance));
            }
        }
    }
}
