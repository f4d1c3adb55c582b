package dev.tiergate.inference.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.tiergate.inference.OnnxRuntimeSetup;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OnnxSentenceEmbedderTest {
    private static OnnxSentenceEmbedder embedder;

    @BeforeAll
    static void load() {
        System.clearProperty(OnnxRuntimeSetup.OFFLINE_PROPERTY);
        System.clearProperty(OnnxRuntimeSetup.LEGACY_OFFLINE_PROPERTY);
        System.clearProperty(OnnxRuntimeSetup.OPT_OUT_TRACKING_PROPERTY);
        embedder = OnnxSentenceEmbedder.builder().model(EmbeddingModel.ALL_MINILM_L6_V2_Q).build();
        embedder.embed("warm up the engine");
    }

    @AfterAll
    static void close() {
        embedder.close();
    }

    /** That no call is made is shown in a fresh JVM: {@link dev.tiergate.inference.OfflineLoadTest}. */
    @Test
    void loadingTurnsDjlsNetworkSwitchesOff() {
        assertThat(OnnxRuntimeSetup.offlineEnforced()).isTrue();
        assertThat(System.getProperty("ai.djl.offline")).isEqualTo("true");
        assertThat(System.getProperty("OPT_OUT_TRACKING")).isEqualTo("true");
    }

    @Test
    void describesItsModel() {
        assertThat(embedder.modelId()).isEqualTo("all-minilm-l6-v2-q");
        assertThat(embedder.dimensions()).isEqualTo(384);
        assertThat(embedder.model()).isSameAs(EmbeddingModel.ALL_MINILM_L6_V2_Q);
    }

    @Test
    void vectorsAreUnitLength() {
        for (String text : List.of("hello", "How do I reset my password?", "", "Ünïcødé ✓ 数字 123")) {
            float[] v = embedder.embed(text);
            assertThat(v).hasSize(384);
            assertThat(dot(v, v)).as(text).isCloseTo(1.0, within(1e-4));
        }
    }

    @Test
    void tokenStatesComeFromTheSameRunAsTheVector() {
        String text = "How do I reset my password in Gmail?";
        TokenEmbedding run = embedder.embedTokens(text);

        assertThat(run.vector()).containsExactly(embedder.embed(text));
        assertThat(run.tokens()).startsWith("[CLS]", "how", "do").endsWith("?", "[SEP]");
        assertThat(run.dimensions()).isEqualTo(384);
        assertThat(run.states()).hasSize(run.tokens().length * 384);
        // The vector is the normalised mean of the token states.
        float[] mean = new float[384];
        for (int t = 0; t < run.tokens().length; t++) {
            for (int d = 0; d < 384; d++) {
                mean[d] += run.states()[t * 384 + d] / run.tokens().length;
            }
        }
        double norm = 0;
        double dot = 0;
        for (int d = 0; d < 384; d++) {
            norm += mean[d] * mean[d];
            dot += mean[d] * run.vector()[d];
        }
        assertThat(dot / Math.sqrt(norm)).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-5));
    }

    @Test
    void isDeterministic() {
        String text = "What is the capital of France?";
        assertThat(embedder.embed(text)).containsExactly(embedder.embed(text));
    }

    @Test
    void paraphrasesAreCloserThanUnrelatedSentences() {
        String[][] paraphrases = {
                {"How do I reset my password?", "I forgot my password, how can I change it?"},
                {"What is the capital of France?", "Which city is the capital of France?"},
                {"How can I learn to cook pasta?", "What is the best way to learn cooking pasta?"},
                {"Translate 'good morning' into Spanish", "How do you say good morning in Spanish?"},
        };
        String[] unrelated = {"The stock market fell sharply today.", "My cat sleeps on the sofa all day.",
                "Explain quantum entanglement to a child.", "Write a haiku about the ocean."};
        for (String[] pair : paraphrases) {
            double close = cosine(pair[0], pair[1]);
            assertThat(close).as(pair[0] + " ~ " + pair[1]).isGreaterThan(0.7);
            for (String other : unrelated) {
                assertThat(cosine(pair[0], other)).as(pair[0] + " vs " + other).isLessThan(close - 0.3);
            }
        }
    }

    @Test
    void longInputsAreTruncatedNotRejected() {
        String text = "word ".repeat(2_000);
        assertThat(embedder.truncates(text)).isTrue();
        assertThat(embedder.truncates("a short question")).isFalse();
        assertThat(dot(embedder.embed(text), embedder.embed(text))).isCloseTo(1.0, within(1e-4));
    }

    @Test
    void concurrentCallsMatchSequentialOnes() throws Exception {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            texts.add("sentence number " + i + " about topic " + (i % 5));
        }
        List<float[]> sequential = texts.stream().map(embedder::embed).toList();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<float[]>> futures = texts.stream().map(t -> pool.submit(() -> embedder.embed(t))).toList();
            for (int i = 0; i < texts.size(); i++) {
                assertThat(futures.get(i).get()).containsExactly(sequential.get(i));
            }
        }
    }

    /**
     * A batch pads its texts to the longest; each text's tokens are its own, and its vector matches
     * its own run only within the quantized model's tolerance: activations are quantized with one
     * range per call, so the other texts and the padding move them. Measured over these texts:
     * cosine 0.970 (the empty text, 2 tokens padded to 24) to 0.995, 0.992 for the longest (no
     * padding); the same text three times gives 1.00000. This is why the semantic cache does not
     * batch by default (docs/benchmarks.md).
     */
    @Test
    void aBatchGivesEachTextItsOwnRunWithinTolerance() {
        List<String> texts = List.of("hi", "How do I reset my password in Gmail?",
                "Rewrite this paragraph so that it sounds friendlier to a customer who waited two weeks for a refund.",
                "What is 17 * 23?", "", "Ünïcødé ✓ 数字 123", "Write a Python function that parses ISO dates",
                "Explain the difference between TCP and UDP in two sentences.");
        List<TokenEmbedding> batch = embedder.embedTokens(texts);
        assertThat(batch).hasSize(texts.size());
        double worst = 1;
        for (int i = 0; i < texts.size(); i++) {
            TokenEmbedding alone = embedder.embedTokens(texts.get(i));
            TokenEmbedding together = batch.get(i);
            assertThat(together.tokens()).as(texts.get(i)).containsExactly(alone.tokens());
            assertThat(together.states()).hasSameSizeAs(alone.states());
            assertThat(dot(together.vector(), together.vector())).isCloseTo(1.0, within(1e-4));
            worst = Math.min(worst, dot(together.vector(), alone.vector()));
        }
        System.out.printf("batch of %d vs single runs: worst cosine %.5f%n", texts.size(), worst);
        assertThat(worst).isGreaterThan(0.95);
        List<TokenEmbedding> repeated = embedder.embedTokens(List.of(texts.get(1), texts.get(1), texts.get(1)));
        assertThat(dot(repeated.get(2).vector(), embedder.embed(texts.get(1)))).isGreaterThan(0.99999);
        assertThat(embedder.embedTokens(List.of())).isEmpty();
    }

    @Test
    void bgeSmallLoadsFromItsJarToo() {
        try (OnnxSentenceEmbedder bge = OnnxSentenceEmbedder.builder().model("bge-small-en-v15-q").build()) {
            assertThat(bge.modelId()).isEqualTo("bge-small-en-v15-q");
            float[] a = bge.embed("How do I reset my password?");
            float[] b = bge.embed("I forgot my password, how can I change it?");
            float[] c = bge.embed("Write a haiku about the ocean.");
            assertThat(dot(a, a)).isCloseTo(1.0, within(1e-4));
            assertThat(dot(a, b)).isGreaterThan(dot(a, c));
        }
    }

    @Test
    void rejectsUnknownModelsAndBadOptions() {
        assertThatThrownBy(() -> OnnxSentenceEmbedder.builder().model("gpt-embeddings"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gpt-embeddings")
                .hasMessageContaining("all-minilm-l6-v2-q");
        assertThatThrownBy(() -> OnnxSentenceEmbedder.builder().intraOpThreads(0))
                .hasMessage("intraOpThreads: 0 (expected: > 0)");
        assertThatThrownBy(() -> OnnxSentenceEmbedder.builder().maxTokens(100_000))
                .hasMessageContaining("maxTokens: 100000");
    }

    @Test
    void refusesToEmbedAfterClose() {
        OnnxSentenceEmbedder other = OnnxSentenceEmbedder.create();
        other.close();
        other.close();
        assertThatThrownBy(() -> other.embed("x")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    private static double cosine(String a, String b) {
        return dot(embedder.embed(a), embedder.embed(b));
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) a[i] * b[i];
        }
        return sum;
    }
}
