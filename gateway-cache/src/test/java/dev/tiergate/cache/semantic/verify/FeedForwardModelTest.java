package dev.tiergate.cache.semantic.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import dev.tiergate.inference.FeatureRowsTranslator;
import dev.tiergate.inference.OnnxRuntimeSetup;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The verifier's classifier evaluated in Java gives what ONNX Runtime gives for the same graph,
 * within float rounding, over the training probe rows and many rows spread over the features'
 * ranges; a graph it does not understand is refused, not misread.
 */
class FeedForwardModelTest {

    private static byte[] bundled() throws IOException {
        try (InputStream in = FeedForwardModelTest.class.getResourceAsStream(OnnxPairVerifier.BUNDLED + ".onnx")) {
            return in.readAllBytes();
        }
    }

    @Test
    void givesWhatOnnxRuntimeGives() throws Exception {
        byte[] onnx = bundled();
        FeedForwardModel model = FeedForwardModel.read(onnx);
        VerifierSpec spec = OnnxPairVerifier.load().spec();
        assertThat(model.inputs()).isEqualTo(AlignmentFeatures.NAMES.size());

        Random random = new Random(20261203L);
        int n = 2_000;
        float[][] rows = new float[n + spec.probe().features().size()][];
        for (int r = 0; r < n; r++) {
            float[] row = new float[model.inputs()];
            for (int k = 0; k < row.length; k++) {
                // cosines and shares in [-1, 1] or [0, 1], counts up to 3, log lengths up to log(97): [-1, 5] covers them
                row[k] = (float) (random.nextDouble() * 6 - 1);
            }
            rows[r] = row;
        }
        for (int r = 0; r < spec.probe().features().size(); r++) {
            rows[n + r] = spec.probe().features().get(r);
        }
        Criteria.Builder<float[][], float[]> criteria = Criteria.builder()
                .setTypes(float[][].class, float[].class)
                .optTranslator(new FeatureRowsTranslator(spec.input()));
        float[] expected;
        try (ZooModel<float[][], float[]> ort = OnnxRuntimeSetup.loadModel("verifier under test",
                new ByteArrayInputStream(onnx), criteria, 1);
             Predictor<float[][], float[]> predictor = ort.newPredictor()) {
            expected = predictor.predict(rows);
        }
        double worst = 0;
        int spread = 0;
        for (int r = 0; r < rows.length; r++) {
            float actual = model.probability(rows[r]);
            assertThat((double) actual).as("row %d", r).isCloseTo(expected[r], within(1e-5));
            worst = Math.max(worst, Math.abs(actual - expected[r]));
            spread += expected[r] > 0.05 && expected[r] < 0.95 ? 1 : 0;
        }
        // the rows exercise the model, not only its saturated ends
        assertThat(spread).isGreaterThan(50);
        System.out.printf("Java MLP against ONNX Runtime: %d rows, largest difference %.2e%n", rows.length, worst);
    }

    @Test
    void refusesAGraphItDoesNotUnderstand() throws IOException {
        byte[] onnx = bundled();
        String text = new String(onnx, StandardCharsets.ISO_8859_1);
        assertThat(text).contains("Relu");
        byte[] tanh = text.replace("Relu", "Tanh").getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> FeedForwardModel.read(tanh)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Tanh");
        byte[] truncated = Arrays.copyOf(onnx, onnx.length / 2);
        assertThatThrownBy(() -> FeedForwardModel.read(truncated)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FeedForwardModel.read(new byte[0])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no graph");
    }
}
