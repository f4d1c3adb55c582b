package dev.tiergate.router.classifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import dev.tiergate.inference.OnnxRuntimeSetup;
import dev.tiergate.inference.tokens.JtokkitTokenCounter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The runtime on the tiny test model (see training/make_test_model.py for its weights). */
class OnnxComplexityClassifierTest {
    static final String TEST_MODEL = "/dev/tiergate/router/classifier/test-model";
    private static OnnxComplexityClassifier classifier;

    @BeforeAll
    static void load() {
        classifier = OnnxComplexityClassifier.fromResource(TEST_MODEL, JtokkitTokenCounter.cl100k());
    }

    @AfterAll
    static void close() {
        classifier.close();
    }

    @Test
    void readsTheMetadata() {
        assertThat(classifier.embeddingModelId()).isEqualTo("test-embedder");
        assertThat(classifier.embeddingDimensions()).isEqualTo(4);
        assertThat(classifier.spec().thresholdMid()).isEqualTo(0.3);
        assertThat(classifier.spec().inputWidth()).isEqualTo(4 + StructuralFeatures.SIZE);
    }

    @Test
    void djlRunsOfflineOnOnnxRuntime() {
        assertThat(OnnxRuntimeSetup.offlineEnforced()).isTrue();
        assertThat(Engine.getEngine(OnnxRuntimeSetup.ENGINE).getEngineName()).isEqualTo("OnnxRuntime");
    }

    @Test
    void computesTheGraph() {
        // logits: small = 4 * e0, mid = 0.5 * log_tokens, frontier = -2 + log_tokens + 3 * log_task_verbs
        float[] row = new float[classifier.spec().inputWidth()];
        row[0] = 1f;
        row[4] = 2f;
        float[] p = classifier.predict(new float[][] {row})[0];
        double small = Math.exp(4);
        double mid = Math.exp(1);
        double frontier = Math.exp(0);
        double sum = small + mid + frontier;
        assertThat(p[0]).isCloseTo((float) (small / sum), within(1e-6f));
        assertThat(p[1]).isCloseTo((float) (mid / sum), within(1e-6f));
        assertThat(p[2]).isCloseTo((float) (frontier / sum), within(1e-6f));
    }

    @Test
    void classifiesFromEmbeddingAndText() {
        Classification easy = classifier.classify(new float[] {1, 0, 0, 0}, "hi there");
        Classification hard = classifier.classify(new float[] {0, 0, 0, 0},
                "Prove the bound, derive the recurrence and analyze the algorithm. ".repeat(20));
        assertThat(easy.score()).isLessThan(0.1);
        assertThat(hard.score()).isGreaterThan(0.9);
        assertThat(easy.probabilities()[0] + easy.probabilities()[1] + easy.probabilities()[2])
                .isCloseTo(1f, within(1e-5f));
    }

    @Test
    void batchesRows() {
        float[][] rows = new float[3][classifier.spec().inputWidth()];
        rows[1][0] = 1f;
        float[][] out = classifier.predict(rows);
        assertThat(out).hasNumberOfRows(3);
        assertThat(out[0]).containsExactly(out[2]);
        assertThat(out[1][0]).isGreaterThan(out[0][0]);
    }

    @Test
    void rejectsWrongWidths() {
        assertThatThrownBy(() -> classifier.classify(new float[384], "x"))
                .hasMessageContaining("embedding: 384 dimensions (expected: 4 from test-embedder)");
        assertThatThrownBy(() -> classifier.predict(new float[][] {new float[5]}))
                .hasMessageContaining("feature row: 5 values (expected: 17)");
    }

    @Test
    void aMissingResourceSaysWhich() {
        assertThatThrownBy(() -> OnnxComplexityClassifier.fromResource("/nope/model", JtokkitTokenCounter.cl100k()))
                .hasMessageContaining("/nope/model.json");
    }

    @Test
    void refusesACounterOfAnotherEncodingThanTheModelWasTrainedOn() {
        assertThatThrownBy(() -> OnnxComplexityClassifier.fromResource(TEST_MODEL, JtokkitTokenCounter.o200k()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("tokens: o200k_base (expected: cl100k_base");
    }

    @Test
    void scoreIsMonotoneInTheStrongerTiers() {
        Classification a = new Classification(new float[] {0.6f, 0.3f, 0.1f});
        Classification b = new Classification(new float[] {0.5f, 0.4f, 0.1f});
        Classification c = new Classification(new float[] {0.5f, 0.3f, 0.2f});
        assertThat(b.score()).isGreaterThan(a.score());
        assertThat(c.score()).isGreaterThan(b.score());
        assertThat(new Classification(new float[] {1, 0, 0}).score()).isZero();
        assertThat(new Classification(new float[] {0, 0, 1}).score()).isEqualTo(1.0);
    }
}
