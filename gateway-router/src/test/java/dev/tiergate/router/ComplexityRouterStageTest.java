package dev.tiergate.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiergate.core.config.AliasConfig;
import dev.tiergate.core.config.Pricing;
import dev.tiergate.core.config.TeamConfig;
import dev.tiergate.core.embedding.PromptEmbedding;
import dev.tiergate.core.embedding.SentenceEmbedder;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.ChatRequestParser;
import dev.tiergate.core.model.Message;
import dev.tiergate.core.pipeline.Caller;
import dev.tiergate.core.pipeline.Answer;
import dev.tiergate.core.pipeline.CacheDirectives;
import dev.tiergate.core.pipeline.Deadline;
import dev.tiergate.core.pipeline.Exchange;
import dev.tiergate.core.pipeline.Pipeline;
import dev.tiergate.core.pipeline.Terminal;
import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.routing.RouteCause;
import dev.tiergate.core.routing.RouteDecision;
import dev.tiergate.core.tokens.TokenCounter;
import dev.tiergate.inference.tokens.JtokkitTokenCounter;
import dev.tiergate.router.classifier.ComplexityTier;
import dev.tiergate.router.classifier.OnnxComplexityClassifier;
import dev.tiergate.router.policy.AliasResolver;
import dev.tiergate.router.policy.ConversationTiers;
import dev.tiergate.router.policy.RouterSettings;
import dev.tiergate.router.policy.RoutingMode;
import dev.tiergate.router.policy.TeamRoutingPolicy;
import dev.tiergate.router.policy.Thresholds;
import java.nio.charset.StandardCharsets;
import java.math.BigDecimal;
import java.time.Duration;
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

    private Exchange exchange(ChatRequest request) {
        TeamConfig team = new TeamConfig("team-a", List.of(), Set.of("*"), "auto", Map.of());
        return Exchange.of("req-1", new Caller(team, "key-1"), request, CacheDirectives.NONE, eventLoop,
                Deadline.in(Duration.ofSeconds(10)));
    }

    /** The tier the router decided for an exchange, or null. */
    private static String tier(Exchange exchange) {
        RouteDecision decision = exchange.facts().route().get();
        return decision == null ? null : decision.tier();
    }

    private static String cause(Exchange exchange) {
        return exchange.facts().route().get().cause().headerValue();
    }

    private static ChatRequest ask(String model, String text) {
        return ChatRequest.of(model, List.of(Message.user(text)));
    }

    /** The end of the pipeline: records what it was given and on which thread, answers plainly. */
    private static final class RecordingTerminal implements Terminal {
        final AtomicReference<Exchange> seen = new AtomicReference<>();
        final AtomicReference<Thread> thread = new AtomicReference<>();
        final boolean stream;

        RecordingTerminal(boolean stream) {
            this.stream = stream;
        }

        @Override
        public CompletableFuture<Answer> answer(Exchange ex) {
            seen.set(ex);
            thread.set(Thread.currentThread());
            if (stream) {
                return CompletableFuture.completedFuture(new Answer.Stream(Flux.<ChatChunk>empty()));
            }
            return CompletableFuture.completedFuture(new Answer.Complete(new ChatCompletion("id",
                    ChatCompletion.OBJECT, 0L, "m", List.of(), null, null, Map.of())));
        }
    }

    /** What a run answered, and the runner's steps ({@code stage:outcome}). */
    private record Routed(Answer answer, List<String> steps) {
    }

    private Routed run(ComplexityRouterStage stage, Exchange exchange, RecordingTerminal terminal) throws Exception {
        List<String> steps = Collections.synchronizedList(new ArrayList<>());
        Pipeline pipeline = Pipeline.of(List.of(stage), terminal, (name, outcome, nanos) -> steps.add(name + ":" + outcome));
        // A request starts on its event loop, as in the server.
        Answer answer = eventLoop.submit(() -> pipeline.answer(exchange)).get(10, TimeUnit.SECONDS)
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        return new Routed(answer, steps);
    }

    @Test
    void routesAnEasyPromptToSmallAndTagsTheAnswer() throws Exception {
        embedder = new FakeEmbedder(EASY_VECTOR);
        Exchange exchange = exchange(ask("auto", "hi there"));
        RecordingTerminal terminal = new RecordingTerminal(false);
        Routed result = run(stage(RouterSettings.defaults(), true), exchange, terminal);

        assertThat(tier(exchange)).isEqualTo("small");
        RouteDecision decision = exchange.facts().route().get();
        assertThat(decision.model()).isEqualTo("gpt-4o-mini");
        assertThat(decision.cause()).isEqualTo(RouteCause.CLASSIFIER);
        assertThat(result.answer()).isInstanceOf(Answer.Complete.class);
        assertThat(result.steps()).containsExactly("complexity-router:classifier");
        assertThat(decision.score()).isBetween(0.0, 0.1);
    }

    @Test
    void routesAHardPromptToFrontierAndTagsAStream() throws Exception {
        Exchange exchange = exchange(ask("auto", HARD));
        Routed result = run(stage(RouterSettings.defaults(), true), exchange, new RecordingTerminal(true));

        assertThat(tier(exchange)).isEqualTo("frontier");
        assertThat(result.answer()).isInstanceOf(Answer.Stream.class);
        assertThat(cause(exchange)).isEqualTo("classifier");
        assertThat(exchange.facts().route().get().score()).isGreaterThan(0.9);
    }

    @Test
    void usesTheEmbeddingTheSemanticCacheLeftWithoutRecomputing() throws Exception {
        Exchange exchange = exchange(ask("auto", "hi there"));
        exchange.facts().promptEmbedding().set(new PromptEmbedding("test-embedder", EASY_VECTOR));
        run(stage(RouterSettings.defaults(), true), exchange, new RecordingTerminal(false));

        assertThat(embedder.calls).hasValue(0);
        assertThat(tier(exchange)).isEqualTo("small");
    }

    @Test
    void aConversationStaysOnItsTierWhenSwitchingDownWouldLoseMoreCacheThanItSaves() throws Exception {
        // a small tier only a third cheaper than frontier, whose cache reads are at a tenth
        Map<String, Pricing> prices = Map.of(
                "gpt-4o", new Pricing(new BigDecimal("3"), new BigDecimal("15"), new BigDecimal("0.30")),
                "gpt-4o-mini", new Pricing(new BigDecimal("2"), new BigDecimal("8"), new BigDecimal("0.20")));
        ComplexityRouterStage stage = ComplexityRouterStage.builder(classifier, Thresholds.of(0.3, 0.6), aliases,
                        worker, TOKENS).settings(RouterSettings.defaults()).embedder(embedder)
                .conversationTiers(new ConversationTiers(java.time.Clock.systemUTC(), prices::get, 100)).build();
        Exchange first = exchange(ChatRequest.of("auto", List.of(Message.system("You help."), Message.user(HARD))));
        run(stage, first, new RecordingTerminal(false));
        assertThat(tier(first)).isEqualTo("frontier");

        ChatRequest next = ChatRequest.of("auto", List.of(Message.system("You help."), Message.user(HARD),
                Message.assistant("Done."), Message.user("hi there")));
        Exchange alone = exchange(next);
        alone.facts().promptEmbedding().set(new PromptEmbedding("test-embedder", EASY_VECTOR));
        run(stage(RouterSettings.defaults(), true), alone, new RecordingTerminal(false));
        assertThat(tier(alone)).as("the same turn routed on its own").isEqualTo("small");

        Exchange second = exchange(next);
        second.facts().promptEmbedding().set(new PromptEmbedding("test-embedder", EASY_VECTOR));
        Routed result = run(stage, second, new RecordingTerminal(false));
        assertThat(tier(second)).isEqualTo("frontier");
        assertThat(cause(second)).isEqualTo("prompt-cache");
        assertThat(result.steps()).containsExactly("complexity-router:prompt-cache");
    }

    @Test
    void computesTheEmbeddingOnTheWorkerAndResumesOnTheEventLoop() throws Exception {
        Exchange exchange = exchange(ask("auto", "hi there"));
        RecordingTerminal terminal = new RecordingTerminal(false);
        ComplexityRouterStage stage = stage(RouterSettings.defaults(), true);
        run(stage, exchange, terminal);

        assertThat(embedder.calls).hasValue(1);
        assertThat(embedder.threads).containsOnly("router-worker");
        assertThat(terminal.thread.get()).isSameAs(eventLoopThread);
        assertThat(exchange.facts().promptEmbedding().get().modelId()).isEqualTo("test-embedder");
    }

    @Test
    void anEmbeddingOfAnotherModelIsRecomputed() throws Exception {
        Exchange exchange = exchange(ask("auto", "hi there"));
        exchange.facts().promptEmbedding().set(new PromptEmbedding("other-model", new float[] {9, 9}));
        run(stage(RouterSettings.defaults(), true), exchange, new RecordingTerminal(false));
        assertThat(embedder.calls).hasValue(1);
        assertThat(exchange.facts().promptEmbedding().get().modelId()).isEqualTo("other-model");
    }

    @Test
    void concreteModelsPassThroughUntouched() throws Exception {
        Exchange exchange = exchange(ask("gpt-4o", HARD));
        RecordingTerminal terminal = new RecordingTerminal(false);
        ComplexityRouterStage stage = stage(RouterSettings.defaults(), true);
        Routed result = run(stage, exchange, terminal);

        assertThat(terminal.seen.get()).isSameAs(exchange);
        assertThat(tier(exchange)).isNull();
        assertThat(exchange.facts().route().get()).isNull();
        assertThat(exchange.facts().route().isSet()).isFalse();
        assertThat(embedder.calls).hasValue(0);
        assertThat(result.steps()).containsExactly("complexity-router:passed-through");
    }

    @Test
    void aConcreteModelTheTeamRoutesIsSentThroughTheAlias() throws Exception {
        RouterSettings settings = RouterSettings.builder()
                .team("team-a", TeamRoutingPolicy.builder().routeModel("gpt-4o", "auto").build()).build();
        embedder = new FakeEmbedder(EASY_VECTOR);
        Exchange exchange = exchange(ask("gpt-4o", "hi there"));
        RecordingTerminal terminal = new RecordingTerminal(false);
        run(stage(settings, true), exchange, terminal);

        assertThat(terminal.seen.get().request().model()).isEqualTo("auto");
        assertThat(tier(terminal.seen.get())).isEqualTo("small");
    }

    @Test
    void toolsRaiseAnEasyPromptToMid() throws Exception {
        embedder = new FakeEmbedder(EASY_VECTOR);
        String body = """
                {"model": "auto", "messages": [{"role": "user", "content": "hi there"}],
                 "tools": [{"type": "function", "function": {"name": "weather", "parameters": {"type": "object"}}}]}
                """;
        Exchange exchange = exchange(ChatRequestParser.parseChat(body.getBytes(StandardCharsets.UTF_8)));
        Routed result = run(stage(RouterSettings.defaults(), true), exchange, new RecordingTerminal(false));

        assertThat(tier(exchange)).isEqualTo("mid");
        assertThat(exchange.facts().route().get().gates()).containsExactly("tools");
        assertThat(cause(exchange)).isEqualTo("gate");
    }

    @Test
    void withoutAnEmbeddingTheAliasDefaultIsTheFallback() throws Exception {
        Exchange exchange = exchange(ask("auto", HARD));
        ComplexityRouterStage stage = stage(RouterSettings.defaults(), false);
        Routed result = run(stage, exchange, new RecordingTerminal(false));

        assertThat(tier(exchange)).isEqualTo("mid");
        assertThat(cause(exchange)).isEqualTo("fallback");
        assertThat(exchange.facts().route().get().score()).isNull();
        assertThat(result.steps()).containsExactly("complexity-router:fallback");
    }

    @Test
    void anEmbedderFailureIsAFallbackNotAnError() throws Exception {
        embedder = new FakeEmbedder(null);
        Exchange exchange = exchange(ask("auto", "hi"));
        Routed result = run(stage(RouterSettings.defaults(), true), exchange, new RecordingTerminal(false));
        assertThat(cause(exchange)).isEqualTo("fallback");
    }

    @Test
    void aFullWorkerIsAFallbackNotAnError() throws Exception {
        worker.shutdown();
        Exchange exchange = exchange(ask("auto", "hi"));
        Routed result = run(stage(RouterSettings.defaults(), true), exchange, new RecordingTerminal(false));
        assertThat(cause(exchange)).isEqualTo("fallback");
        assertThat(embedder.calls).hasValue(0);
    }

    @Test
    void aPinnedTeamSkipsTheClassifier() throws Exception {
        RouterSettings settings = RouterSettings.builder().team("team-a", TeamRoutingPolicy.builder()
                .pinnedTier(ComplexityTier.FRONTIER).build()).build();
        Exchange exchange = exchange(ask("auto", "hi"));
        Routed result = run(stage(settings, true), exchange, new RecordingTerminal(false));
        assertThat(tier(exchange)).isEqualTo("frontier");
        assertThat(cause(exchange)).isEqualTo("team-override");
        assertThat(embedder.calls).hasValue(0);
    }

    @Test
    void aCascadingTeamStartsAtTheCheapestTierUnclassified() throws Exception {
        RouterSettings settings = RouterSettings.builder().team("team-a", TeamRoutingPolicy.builder()
                .mode(RoutingMode.CASCADE).build()).build();
        Exchange exchange = exchange(ask("auto", "Prove that there are infinitely many primes."));
        run(stage(settings, true), exchange, new RecordingTerminal(false));
        assertThat(tier(exchange)).isEqualTo("small");
        assertThat(cause(exchange)).isEqualTo("cascade");
        assertThat(exchange.facts().route().get().score()).isNull();
        assertThat(embedder.calls).hasValue(0);
    }

    @Test
    void aCascadeStartsAboveTheGatesAndTheTeamMinimumButTheJsonCheckReplacesTheSchemaGate() throws Exception {
        RouterSettings withMinimum = RouterSettings.builder().team("team-a", TeamRoutingPolicy.builder()
                .mode(RoutingMode.CASCADE).minimumTier(ComplexityTier.MID).build()).build();
        Exchange min = exchange(ask("auto", "hi"));
        run(stage(withMinimum, true), min, new RecordingTerminal(false));
        assertThat(tier(min)).isEqualTo("mid");
        assertThat(cause(min)).isEqualTo("cascade");

        RouterSettings cascade = RouterSettings.builder().team("team-a", TeamRoutingPolicy.builder()
                .mode(RoutingMode.CASCADE).build()).build();
        Exchange schema = exchange(ChatRequestParser.parseChat("""
                {"model":"auto","messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_schema",
                 "json_schema":{"name":"x","schema":{"type":"object"}}}}""".getBytes(StandardCharsets.UTF_8)));
        run(stage(cascade, true), schema, new RecordingTerminal(false));
        assertThat(tier(schema)).isEqualTo("small");
    }

    @Test
    void aCascadingTeamsStreamIsClassifiedUnlessItBuffersStreams() throws Exception {
        RouterSettings settings = RouterSettings.builder().team("team-a", TeamRoutingPolicy.builder()
                .mode(RoutingMode.CASCADE).build()).build();
        Exchange exchange = exchange(ask("auto", "hi").withStream(true, null));
        run(stage(settings, true), exchange, new RecordingTerminal(true));
        assertThat(cause(exchange)).isNotEqualTo("cascade");
    }

    @Test
    void teamThresholdsChangeTheTier() throws Exception {
        String prompt = "Explain photosynthesis to me in a few paragraphs, with an example or two.";
        RouterSettings careful = RouterSettings.builder()
                .team("team-a", TeamRoutingPolicy.builder().thresholds(0.0, 0.0).build()).build();
        Exchange a = exchange(ask("auto", prompt));
        run(stage(careful, true), a, new RecordingTerminal(false));
        assertThat(tier(a)).isEqualTo("frontier");
        RouterSettings thrifty = RouterSettings.builder()
                .team("team-a", TeamRoutingPolicy.builder().thresholds(1.0, 1.0).build()).build();
        Exchange b = exchange(ask("auto", prompt));
        run(stage(thrifty, true), b, new RecordingTerminal(false));
        assertThat(tier(b)).isEqualTo("small");
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
