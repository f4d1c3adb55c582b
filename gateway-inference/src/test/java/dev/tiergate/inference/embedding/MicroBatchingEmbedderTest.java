package dev.tiergate.inference.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MicroBatchingEmbedderTest {
    private final ExecutorService worker = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        worker.shutdownNow();
    }

    /** A model whose first call blocks until released, recording every batch it is given. */
    private static final class GatedModel implements TokenEmbedder {
        final List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch firstStarted = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        volatile RuntimeException failure;

        @Override
        public List<TokenEmbedding> embedTokens(List<String> texts) {
            batches.add(List.copyOf(texts));
            firstStarted.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (failure != null) {
                throw failure;
            }
            return texts.stream().map(GatedModel::run).toList();
        }

        /** A run that says which text it was made from. */
        static TokenEmbedding run(String text) {
            return new TokenEmbedding(new float[] {text.length()}, new String[] {text}, new float[] {text.hashCode()}, 1);
        }

        @Override
        public TokenEmbedding embedTokens(String text) {
            return embedTokens(List.of(text)).getFirst();
        }

        @Override
        public String modelId() {
            return "gated";
        }

        @Override
        public int dimensions() {
            return 1;
        }

        @Override
        public float[] embed(String text) {
            return embedTokens(text).vector();
        }
    }

    @Test
    void aLoneTextRunsAtOnceInABatchOfOne() throws Exception {
        GatedModel model = new GatedModel();
        model.release.countDown();
        MicroBatchingEmbedder batcher = new MicroBatchingEmbedder(model, 16, 16);
        TokenEmbedding run = batcher.embedTokensAsync("hello", worker).get(5, TimeUnit.SECONDS);
        assertThat(run.tokens()).containsExactly("hello");
        assertThat(model.batches).containsExactly(List.of("hello"));
    }

    @Test
    void textsArrivingWhileABatchRunsGoTogetherAndEachGetsItsOwnRun() throws Exception {
        GatedModel model = new GatedModel();
        MicroBatchingEmbedder batcher = new MicroBatchingEmbedder(model, 4, 8);
        CompletableFuture<TokenEmbedding> first = batcher.embedTokensAsync("first", worker);
        assertThat(model.firstStarted.await(5, TimeUnit.SECONDS)).isTrue();
        List<CompletableFuture<TokenEmbedding>> waiting = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            waiting.add(batcher.embedTokensAsync("text-" + "x".repeat(i), worker));
        }
        assertThat(batcher.waiting()).isEqualTo(6);
        model.release.countDown();
        assertThat(first.get(5, TimeUnit.SECONDS).tokens()).containsExactly("first");
        for (int i = 0; i < 6; i++) {
            assertThat(waiting.get(i).get(5, TimeUnit.SECONDS).tokens()).containsExactly("text-" + "x".repeat(i));
        }
        assertThat(model.batches).extracting(List::size).containsExactly(1, 4, 2);
        assertThat(batcher.waiting()).isZero();
    }

    @Test
    void refusesBeyondItsWaitingBoundInsteadOfQueueing() throws Exception {
        GatedModel model = new GatedModel();
        MicroBatchingEmbedder batcher = new MicroBatchingEmbedder(model, 2, 2);
        CompletableFuture<TokenEmbedding> running = batcher.embedTokensAsync("running", worker);
        assertThat(model.firstStarted.await(5, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<TokenEmbedding> a = batcher.embedTokensAsync("a", worker);
        CompletableFuture<TokenEmbedding> b = batcher.embedTokensAsync("b", worker);
        assertThatThrownBy(() -> batcher.embedTokensAsync("c", worker))
                .isInstanceOf(RejectedExecutionException.class).hasMessageContaining("2 texts waiting");
        model.release.countDown();
        assertThat(running.get(5, TimeUnit.SECONDS).tokens()).containsExactly("running");
        assertThat(a.get(5, TimeUnit.SECONDS).tokens()).containsExactly("a");
        assertThat(b.get(5, TimeUnit.SECONDS).tokens()).containsExactly("b");
    }

    @Test
    void anExecutorThatRefusesTheBatchRefusesTheText() {
        GatedModel model = new GatedModel();
        MicroBatchingEmbedder batcher = new MicroBatchingEmbedder(model, 4, 4);
        assertThatThrownBy(() -> batcher.embedTokensAsync("shed", task -> {
            throw new RejectedExecutionException("busy");
        })).isInstanceOf(RejectedExecutionException.class).hasMessage("busy");
        assertThat(batcher.waiting()).isZero();
        assertThat(model.batches).isEmpty();
    }

    @Test
    void aFailedModelCallFailsEveryTextOfItsBatch() throws Exception {
        GatedModel model = new GatedModel();
        MicroBatchingEmbedder batcher = new MicroBatchingEmbedder(model, 4, 4);
        CompletableFuture<TokenEmbedding> first = batcher.embedTokensAsync("first", worker);
        assertThat(model.firstStarted.await(5, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<TokenEmbedding> second = batcher.embedTokensAsync("second", worker);
        CompletableFuture<TokenEmbedding> third = batcher.embedTokensAsync("third", worker);
        model.failure = new IllegalStateException("model broke");
        model.release.countDown();
        for (CompletableFuture<TokenEmbedding> f : List.of(first, second, third)) {
            assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasRootCauseMessage("model broke");
        }
        assertThat(model.batches).extracting(List::size).containsExactly(1, 2);
    }

    @Test
    void batchesOfTheRealModelMatchSingleRuns() throws Exception {
        try (OnnxSentenceEmbedder model = OnnxSentenceEmbedder.create()) {
            MicroBatchingEmbedder batcher = new MicroBatchingEmbedder(model, 8, 8);
            ExecutorService two = Executors.newFixedThreadPool(2);
            try {
                List<String> texts = List.of("reset my password", "what is the capital of France",
                        "summarise this article in three bullet points", "2+2", "translate 'good morning' to German",
                        "how do I undo a git commit", "tell me a joke about cats", "why is the sky blue");
                List<CompletableFuture<TokenEmbedding>> runs = texts.stream()
                        .map(t -> batcher.embedTokensAsync(t, two)).toList();
                for (int i = 0; i < texts.size(); i++) {
                    TokenEmbedding together = runs.get(i).get(30, TimeUnit.SECONDS);
                    TokenEmbedding alone = model.embedTokens(texts.get(i));
                    assertThat(together.tokens()).containsExactly(alone.tokens());
                    double cosine = 0;
                    for (int d = 0; d < alone.vector().length; d++) {
                        cosine += together.vector()[d] * alone.vector()[d];
                    }
                    assertThat(cosine).as(texts.get(i)).isGreaterThan(0.95);   // the quantized model's tolerance: see OnnxSentenceEmbedderTest
                }
            } finally {
                two.shutdownNow();
            }
        }
    }
}
