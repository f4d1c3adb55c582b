package dev.tiergate.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiergate.core.config.AliasConfig;
import dev.tiergate.core.config.TeamConfig;
import dev.tiergate.core.embedding.PromptEmbedding;
import dev.tiergate.core.embedding.SentenceEmbedder;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.ChatRequestParser;
import dev.tiergate.core.model.Message;
import dev.tiergate.core.pipeline.Attributes;
import dev.tiergate.core.pipeline.Caller;
import dev.tiergate.core.pipeline.ChatExchange;
import dev.tiergate.core.pipeline.ChatResult;
import dev.tiergate.core.pipeline.PipelineStage;
import dev.tiergate.core.pipeline.ResultMetadata;
import dev.tiergate.core.routing.RouteCause;
import dev.tiergate.core.routing.RouteDecision;
import dev.tiergate.core.routing.RoutingAttributes;
import dev.tiergate.core.tokens.TokenCounter;
import dev.tiergate.inference.tokens.JtokkitTokenCounter;
import dev.tiergate.router.classifier.ComplexityTier;
import dev.tiergate.router.classifier.OnnxComplexityClassifier;
import dev.tiergate.router.policy.AliasResolver;
import dev.tiergate.router.policy.RouterSettings;
import dev.tiergate.router.policy.TeamRoutingPolicy;
import dev.tiergate.router.policy.Thresholds;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

class ComplexityRouterStageTest {
    private static final String HARD = "Prove the bound, derive the recurrence and analyze the algorithm. ".repeat(20);
    private static final float[] EASY_VECTOR = {1, 0, 0, 0};
    private static final float[] NEUTRAL_VECTOR = {0, 0, 0, 0};

    private static final TokenCounter TOKENS = JtokkitTokenCounter.o200k();

    private static OnnxComplexityClassifier classifier;
    private static AliasConfig auto;
    private static AliasResolver aliases;

    private ScheduledExecutorService eventLoop;
    private ExecutorService worker;
    private FakeEmbedder embedder;
    private Thread eventLoopThread;

    @BeforeAll
    static void loadModel() {
        classifier = OnnxComplexityClassifier.fromResource("/dev/tiergate/router/classifier/test-model",
                JtokkitTokenCounter.cl100k());
        Map<String, List<String>> tiers = new LinkedHashMap<>();
        tiers.put("small", List.of("gpt-4o-mini"));
        tiers.put("mid", List.of("mid-model"));
        tiers.put("frontier", List.of("gpt-4o"));
        auto = new AliasConfig("auto", tiers, "mid");
        aliases = (team, name) -> "auto".equals(name) ? auto : team.aliases().get(name);
    }

    @AfterAll
    static void closeModel() {
        classifier.close();
    }

    @BeforeEach
    void executors() throws Exception {
        eventLoop = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "event-loop"));
        eventLoopThread = eventLoop.submit(Thread::currentThread).get();
        worker = Executors.newFixedThreadPool(2, r -> new Thread(r, "router-worker"));
        embedder = new FakeEmbedder(NEUTRAL_VECTOR);
    }

    @AfterEach
    void shutdown() throws InterruptedException {
        eventLoop.shutdownNow();
        worker.shutdownNow();
        assertThat(eventLoop.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    private ComplexityRouterStage stage(RouterSettings settings, boolean withEmbedder) {
        ComplexityRouterStage.Builder builder = ComplexityRouterStage.builder(classifier, Thresholds.of(0.3, 0.6),
                aliases, worker, TOKENS).settings(settings);
        return withEmbedder ? builder.embedder(embedder).build() : builder.build();
    }

    private ChatExchange exchange(ChatRequest request) {
        TeamConfig team = new TeamConfig("team-a", List.of(), Set.of("*"), "auto", Map.of());
        return ChatExchange.of("req-1", new Caller(team, "key-1"), request, Map.of(), eventLoop);
    }

    private static ChatRequest ask(String model, String text) {
        return ChatRequest.of(model, List.of(Message.user(text)));
    }

    /** The end of the chain: records what it was given and on which thread, answers plainly. */
    private final class Terminal implements PipelineStage.StageChain {
        final AtomicReference<ChatExchange> seen = new AtomicReference<>();
        final AtomicReference<Thread> thread = new AtomicReference<>();
        final boolean stream;

        Terminal(boolean stream) {
            this.stream = stream;
        }

        @Override
        public CompletableFuture<ChatResult> proceed(ChatExchange ex) {
            seen.set(ex);
            thread.set(Thread.currentThread());
            String tier = ex.attribute(Attributes.TIER);
            ResultMetadata metadata = ResultMetadata.of("test", "m").withTier(tier);
            if (stream) {
                return CompletableFuture.completedFuture(new ChatResult.Streaming(Flux.<ChatChunk>empty(), metadata));
            }
            return CompletableFuture.completedFuture(new ChatResult.Complete(null, metadata));
        }
    }

    private ChatResult run(ComplexityRouterStage stage, ChatExchange exchange, Terminal terminal) throws Exception {
        return stage.handle(exchange, terminal).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void routesAnEasyPromptToSmallAndTagsTheAnswer() throws Exception {
        embedder = new FakeEmbedder(EASY_VECTOR);
        ChatExchange exchange = exchange(ask("auto", "hi there"));
        Terminal terminal = new Terminal(false);
        ChatResult result = run(stage(RouterSettings.defaults(), true), exchange, terminal);

        assertThat(exchange.attribute(Attributes.TIER)).isEqualTo("small");
        RouteDecision decision = exchange.attribute(RoutingAttributes.ROUTE_DECISION);
        assertThat(decision.model()).isEqualTo("gpt-4o-mini");
        assertThat(decision.cause()).isEqualTo(RouteCause.CLASSIFIER);
        assertThat(result).isInstanceOf(ChatResult.Complete.class);
        assertThat(result.metadata().tier()).isEqualTo("small");
        assertThat(result.metadata().headers())
                .containsEntry(ComplexityRouterStage.CAUSE_HEADER, "classifier")
                .containsEntry(ComplexityRouterStage.COMPLEXITY_HEADER,
                        ComplexityRouterStage.formatScore(decision.score()));
        assertThat(Double.parseDouble(result.metadata().headers().get(ComplexityRouterStage.COMPLEXITY_HEADER)))
                .isBetween(0.0, 0.1);
    }

    @Test
    void routesAHardPromptToFrontierAndTagsAStream() throws Exception {
        ChatExchange exchange = exchange(ask("auto", HARD));
        ChatResult result = run(stage(RouterSettings.defaults(), true), exchange, new Terminal(true));

        assertThat(exchange.attribute(Attributes.TIER)).isEqualTo("frontier");
        assertThat(result).isInstanceOf(ChatResult.Streaming.class);
        assertThat(result.metadata().headers()).containsEntry(ComplexityRouterStage.CAUSE_HEADER, "classifier");
        assertThat(Double.parseDouble(result.metadata().headers().get(ComplexityRouterStage.COMPLEXITY_HEADER)))
                .isGreaterThan(0.9);
    }

    @Test
    void usesTheEmbeddingTheSemanticCacheLeftWithoutRecomputing() throws Exception {
        ChatExchange exchange = exchange(ask("auto", "hi there"));
        exchange.setAttribute(Attributes.PROMPT_EMBEDDING, new PromptEmbedding("test-embedder", EASY_VECTOR));
        run(stage(RouterSettings.defaults(), true), exchange, new Terminal(false));

        assertThat(embedder.calls).hasValue(0);
        assertThat(exchange.attribute(Attributes.TIER)).isEqualTo("small");
        assertThat(stage(RouterSettings.defaults(), true).stats().embeddingsComputed()).isZero();
    }

    @Test
    void computesTheEmbeddingOnTheWorkerAndResumesOnTheEventLoop() throws Exception {
        ChatExchange exchange = exchange(ask("auto", "hi there"));
        Terminal terminal = new Terminal(false);
        ComplexityRouterStage stage = stage(RouterSettings.defaults(), true);
        run(stage, exchange, terminal);

        assertThat(embedder.calls).hasValue(1);
        assertThat(embedder.threads).containsOnly("router-worker");
        assertThat(terminal.thread.get()).isSameAs(eventLoopThread);
        assertThat(exchange.attribute(Attributes.PROMPT_EMBEDDING).modelId()).isEqualTo("test-embedder");
        assertThat(stage.stats().embeddingsComputed()).isEqualTo(1);
    }

    @Test
    void anEmbeddingOfAnotherModelIsRecomputed() throws Exception {
        ChatExchange exchange = exchange(ask("auto", "hi there"));
        exchange.setAttribute(Attributes.PROMPT_EMBEDDING, new PromptEmbedding("other-model", new float[] {9, 9}));
        run(stage(RouterSettings.defaults(), true), exchange, new Terminal(false));
        assertThat(embedder.calls).hasValue(1);
        assertThat(exchange.attribute(Attributes.PROMPT_EMBEDDING).modelId()).isEqualTo("other-model");
    }

    @Test
    void concreteModelsPassThroughUntouched() throws Exception {
        ChatExchange exchange = exchange(ask("gpt-4o", HARD));
        Terminal terminal = new Terminal(false);
        ComplexityRouterStage stage = stage(RouterSettings.defaults(), true);
        ChatResult result = run(stage, exchange, terminal);

        assertThat(terminal.seen.get()).isSameAs(exchange);
        assertThat(exchange.attribute(Attributes.TIER)).isNull();
        assertThat(exchange.attribute(RoutingAttributes.ROUTE_DECISION)).isNull();
        assertThat(result.metadata().headers()).isEmpty();
        assertThat(embedder.calls).hasValue(0);
        assertThat(stage.stats().passedThrough()).isEqualTo(1);
    }

    @Test
    void aConcreteModelTheTeamRoutesIsSentThroughTheAlias() throws Exception {
        RouterSettings settings = RouterSettings.builder()
                .team("team-a", TeamRoutingPolicy.builder().routeModel("gpt-4o", "auto").build()).build();
        embedder = new FakeEmbedder(EASY_VECTOR);
        ChatExchange exchange = exchange(ask("gpt-4o", "hi there"));
        Terminal terminal = new Terminal(false);
        run(stage(settings, true), exchange, terminal);

        assertThat(terminal.seen.get().request().model()).isEqualTo("auto");
        assertThat(terminal.seen.get().attribute(Attributes.TIER)).isEqualTo("small");
    }

    @Test
    void toolsRaiseAnEasyPromptToMid() throws Exception {
        embedder = new FakeEmbedder(EASY_VECTOR);
        String body = """
                {"model": "auto", "messages": [{"role": "user", "content": "hi there"}],
                 "tools": [{"type": "function", "function": {"name": "weather", "parameters": {"type": "object"}}}]}
                """;
        ChatExchange exchange = exchange(ChatRequestParser.parseChat(body.getBytes(StandardCharsets.UTF_8)));
        ChatResult result = run(stage(RouterSettings.defaults(), true), exchange, new Terminal(false));

        assertThat(exchange.attribute(Attributes.TIER)).isEqualTo("mid");
        assertThat(exchange.attribute(RoutingAttributes.ROUTE_DECISION).gates()).containsExactly("tools");
        assertThat(result.metadata().headers()).containsEntry(ComplexityRouterStage.CAUSE_HEADER, "gate");
    }

    @Test
    void withoutAnEmbeddingTheAliasDefaultIsTheFallback() throws Exception {
        ChatExchange exchange = exchange(ask("auto", HARD));
        ComplexityRouterStage stage = stage(RouterSettings.defaults(), false);
        ChatResult result = run(stage, exchange, new Terminal(false));

        assertThat(exchange.attribute(Attributes.TIER)).isEqualTo("mid");
        assertThat(result.metadata().headers())
                .containsEntry(ComplexityRouterStage.CAUSE_HEADER, "fallback")
                .doesNotContainKey(ComplexityRouterStage.COMPLEXITY_HEADER);
        assertThat(stage.stats().failures()).isEqualTo(1);
        assertThat(stage.stats().routed()).containsEntry("mid/fallback", 1L);
    }

    @Test
    void anEmbedderFailureIsAFallbackNotAnError() throws Exception {
        embedder = new FakeEmbedder(null);
        ChatExchange exchange = exchange(ask("auto", "hi"));
        ChatResult result = run(stage(RouterSettings.defaults(), true), exchange, new Terminal(false));
        assertThat(result.metadata().headers()).containsEntry(ComplexityRouterStage.CAUSE_HEADER, "fallback");
    }

    @Test
    void aFullWorkerIsAFallbackNotAnError() throws Exception {
        worker.shutdown();
        ChatExchange exchange = exchange(ask("auto", "hi"));
        ChatResult result = run(stage(RouterSettings.defaults(), true), exchange, new Terminal(false));
        assertThat(result.metadata().headers()).containsEntry(ComplexityRouterStage.CAUSE_HEADER, "fallback");
        assertThat(embedder.calls).hasValue(0);
    }

    @Test
    void aPinnedTeamSkipsTheClassifier() throws Exception {
        RouterSettings settings = RouterSettings.builder().team("team-a", TeamRoutingPolicy.builder()
                .pinnedTier(ComplexityTier.FRONTIER).build()).build();
        ChatExchange exchange = exchange(ask("auto", "hi"));
        ChatResult result = run(stage(settings, true), exchange, new Terminal(false));
        assertThat(exchange.attribute(Attributes.TIER)).isEqualTo("frontier");
        assertThat(result.metadata().headers()).containsEntry(ComplexityRouterStage.CAUSE_HEADER, "team-override");
        assertThat(embedder.calls).hasValue(0);
    }

    @Test
    void teamThresholdsChangeTheTier() throws Exception {
        String prompt = "Explain photosynthesis to me in a few paragraphs, with an example or two.";
        RouterSettings careful = RouterSettings.builder()
                .team("team-a", TeamRoutingPolicy.builder().thresholds(0.0, 0.0).build()).build();
        ChatExchange a = exchange(ask("auto", prompt));
        run(stage(careful, true), a, new Terminal(false));
        assertThat(a.attribute(Attributes.TIER)).isEqualTo("frontier");
        RouterSettings thrifty = RouterSettings.builder()
                .team("team-a", TeamRoutingPolicy.builder().thresholds(1.0, 1.0).build()).build();
        ChatExchange b = exchange(ask("auto", prompt));
        run(stage(thrifty, true), b, new Terminal(false));
        assertThat(b.attribute(Attributes.TIER)).isEqualTo("small");
    }

    /** Returns a fixed vector (null: throws), counting calls and the threads they ran on. */
    static final class FakeEmbedder implements SentenceEmbedder {
        final AtomicInteger calls = new AtomicInteger();
        final List<String> threads = Collections.synchronizedList(new ArrayList<>());
        private final float[] vector;

        FakeEmbedder(float[] vector) {
            this.vector = vector;
        }

        @Override
        public String modelId() {
            return "test-embedder";
        }

        @Override
        public int dimensions() {
            return 4;
        }

        @Override
        public float[] embed(String text) {
            calls.incrementAndGet();
            threads.add(Thread.currentThread().getName());
            if (vector == null) {
                throw new IllegalStateException("embedder down");
            }
            return vector.clone();
        }
    }
}
