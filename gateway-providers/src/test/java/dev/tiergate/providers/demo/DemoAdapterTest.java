package dev.tiergate.providers.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tiergate.core.config.ModelConfig;
import dev.tiergate.core.config.ProviderConfig;
import dev.tiergate.core.json.Json;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.EmbeddingRequest;
import dev.tiergate.core.model.EmbeddingResponse;
import dev.tiergate.core.model.Message;
import dev.tiergate.core.model.StreamOptions;
import dev.tiergate.core.provider.EmbeddingCall;
import dev.tiergate.core.provider.ProviderCall;
import dev.tiergate.core.tokens.TokenCounter;
import dev.tiergate.inference.tokens.JtokkitTokenCounter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

class DemoAdapterTest {
    private static final TokenCounter TOKENS = JtokkitTokenCounter.o200k();
    private final ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1);
    private final DemoAdapter adapter =
            new DemoAdapter(config(Map.of("first-token-ms", "5", "chunk-delay-ms", "1")), TOKENS);

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    @Test
    void theSameQuestionGetsTheSameAnswerAndAnotherQuestionAnother() throws Exception {
        String first = answer("demo-mid", "What is the capital of France?");
        assertThat(answer("demo-mid", "What is the capital of France?")).isEqualTo(first);
        assertThat(answer("demo-mid", "What is the capital of Spain?")).isNotEqualTo(first);
        assertThat(first).startsWith("[demo-mid] You asked: \"What is the capital of France?\".");
    }

    @Test
    void strongerModelsWriteLongerAnswers() throws Exception {
        String question = "Explain LSH";
        assertThat(answer("demo-small", question).length())
                .isLessThan(answer("demo-mid", question).length());
        assertThat(answer("demo-mid", question).length())
                .isLessThan(answer("demo-frontier", question).length());
    }

    @Test
    void plainAnswerReportsTokenizedUsageAndStop() throws Exception {
        ChatCompletion completion = adapter.chat(call(request("demo-small", "hello"))).toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        assertThat(completion.object()).isEqualTo("chat.completion");
        assertThat(completion.model()).isEqualTo("demo-small");
        assertThat(completion.choices().getFirst().finishReason()).isEqualTo("stop");
        assertThat(completion.choices().getFirst().message().role()).isEqualTo("assistant");
        // "hello" and "user" are one token each, plus 3 per message and 3 for the reply.
        assertThat(completion.usage().promptTokens()).isEqualTo(8);
        assertThat(completion.usage().completionTokens()).isBetween(20, 200);
        assertThat(completion.usage().totalTokens())
                .isEqualTo(completion.usage().promptTokens() + completion.usage().completionTokens());
    }

    @Test
    void maxTokensCutsTheAnswerWithFinishReasonLength() throws Exception {
        ChatRequest limited = new ChatRequest("demo-frontier", List.of(Message.user("Tell me everything")), null,
                null, null, null, 5, null, null, null, null, null, null, null, null, Map.of());
        ChatCompletion completion = adapter.chat(call(limited)).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(completion.choices().getFirst().finishReason()).isEqualTo("length");
        assertThat(completion.usage().completionTokens()).isBetween(1, 5);
    }

    @Test
    void streamSendsRoleThenOneWordPerChunkThenFinishThenUsage() throws Exception {
        ChatRequest request = request("demo-mid", "What is the capital of France?")
                .withStream(true, new StreamOptions(true, Map.of()));
        List<ChatChunk> chunks = adapter.chatStream(call(request)).collectList().block(Duration.ofSeconds(5));

        assertThat(chunks.getFirst().choices().getFirst().delta().role()).isEqualTo("assistant");
        String text = chunks.stream().flatMap(c -> c.choices().stream())
                .map(c -> c.delta().content() == null ? "" : c.delta().content()).collect(Collectors.joining());
        assertThat(text).isEqualTo(answer("demo-mid", "What is the capital of France?"));
        assertThat(chunks).hasSizeGreaterThan(10);
        ChatChunk finish = chunks.get(chunks.size() - 2);
        assertThat(finish.finishReason()).isEqualTo("stop");
        ChatChunk usage = chunks.getLast();
        assertThat(usage.choices()).isEmpty();
        assertThat(usage.usage().completionTokens()).isPositive();
        assertThat(chunks).extracting(ChatChunk::id).containsOnly(chunks.getFirst().id());
    }

    @Test
    void streamIsPacedByTheConfiguredDelays() {
        DemoAdapter slow = new DemoAdapter(config(Map.of("first-token-ms", "200", "chunk-delay-ms", "0")), TOKENS);
        long start = System.nanoTime();
        slow.chatStream(call(request("demo-small", "hi"))).blockLast(Duration.ofSeconds(5));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
    }

    @Test
    void cancellingTheStreamCancelsItsPendingTimer() throws Exception {
        DemoAdapter slow = new DemoAdapter(config(Map.of("first-token-ms", "60000")), TOKENS);
        executor.setRemoveOnCancelPolicy(true);
        Disposable subscription = slow.chatStream(call(request("demo-small", "hi"))).subscribe();
        awaitQueued(1);
        subscription.dispose();
        awaitQueued(0);
    }

    @Test
    void embeddingsAreDeterministicUnitVectors() throws Exception {
        EmbeddingRequest request = new EmbeddingRequest("demo-embedding",
                Json.mapper().readTree("[\"alpha\", \"beta\", \"alpha\"]"), null, null, null, Map.of());
        EmbeddingResponse response = adapter.embed(new EmbeddingCall("req-1", request,
                new ModelConfig("demo-embedding", "demo", "demo-embedding", "embedding", null), executor))
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(response.data()).hasSize(3);
        JsonNode first = response.data().get(0).get("embedding");
        assertThat(first).hasSize(256);
        double norm = 0;
        for (JsonNode value : first) {
            norm += value.asDouble() * value.asDouble();
        }
        assertThat(norm).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
        assertThat(response.data().get(2).get("embedding")).isEqualTo(first);
        assertThat(response.data().get(1).get("embedding")).isNotEqualTo(first);
        assertThat(response.usage().promptTokens()).isEqualTo(3);
    }

    @Test
    void badOptionsAreRejectedWithTheirName() {
        assertThatThrownBy(() -> new DemoAdapter(config(Map.of("chunk-delay-ms", "-3")), TOKENS))
                .hasMessageContaining("chunk-delay-ms").hasMessageContaining("expected");
    }

    private void awaitQueued(int expected) throws InterruptedException {
        for (int i = 0; i < 200 && executor.getQueue().size() != expected; i++) {
            Thread.sleep(10);
        }
        assertThat(executor.getQueue()).hasSize(expected);
    }

    private String answer(String model, String question) throws Exception {
        return adapter.chat(call(request(model, question))).toCompletableFuture().get(5, TimeUnit.SECONDS)
                .choices().getFirst().message().text();
    }

    private static ChatRequest request(String model, String question) {
        return ChatRequest.of(model, List.of(Message.user(question)));
    }

    private ProviderCall call(ChatRequest request) {
        return new ProviderCall("req-1", request,
                new ModelConfig(request.model(), "demo", request.model(), "chat", null), executor);
    }

    private static ProviderConfig config(Map<String, String> options) {
        return new ProviderConfig("demo", "demo", null, null, null, null, 0, Map.of(), options);
    }
}
