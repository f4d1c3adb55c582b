package dev.tiergate.core.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.tiergate.core.config.AliasConfig;
import dev.tiergate.core.config.DeploymentConfig;
import dev.tiergate.core.config.TeamPromptCacheConfig;
import dev.tiergate.core.config.GatewayConfig;
import dev.tiergate.core.config.ModelConfig;
import dev.tiergate.core.config.Pricing;
import dev.tiergate.core.config.ServerConfig;
import dev.tiergate.core.config.TeamConfig;
import dev.tiergate.core.error.GatewayError;
import dev.tiergate.core.error.TimeoutError;
import dev.tiergate.core.error.UpstreamError;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.Message;
import dev.tiergate.core.pipeline.Caller;
import dev.tiergate.core.pipeline.Answer;
import dev.tiergate.core.pipeline.CacheDirectives;
import dev.tiergate.core.pipeline.Deadline;
import dev.tiergate.core.pipeline.Exchange;
import dev.tiergate.core.pipeline.Served;
import dev.tiergate.core.routing.RouteCause;
import dev.tiergate.core.routing.RouteDecision;
import dev.tiergate.core.resilience.CircuitBreaker;
import dev.tiergate.core.resilience.CircuitBreakerPolicy;
import dev.tiergate.core.resilience.RetryPolicy;
import dev.tiergate.core.testing.FakeProvider;
import dev.tiergate.core.testing.ManualClock;
import dev.tiergate.core.testing.RecordingAttemptListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Retries, fallbacks, escalation, breakers, weighted deployments and the deadline, on fake providers. */
class ProviderDispatcherResilienceTest {
    private static final RetryPolicy FAST_RETRY = new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(5), 0);
    /** Without prefix affinity: deployments picked at random by weight on every request. */
    private static final TeamConfig TEAM = new TeamConfig("team", List.of(), Set.of("*"), null, Map.of(),
            null, null, null, TeamPromptCacheConfig.OFF);
    /** With the default prompt-cache settings: prefix affinity on. */
    private static final TeamConfig AFFINE = new TeamConfig("affine", List.of(), Set.of("*"), null, Map.of());

    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
    private final FakeProvider p1 = new FakeProvider("p1");
    private final FakeProvider p2 = new FakeProvider("p2");
    private final RecordingAttemptListener events = new RecordingAttemptListener();
    private final ManualClock clock = new ManualClock();
    private final Map<String, ModelConfig> models = new LinkedHashMap<>();
    private final Map<String, AliasConfig> aliases = new LinkedHashMap<>();
    private int requests;

    @AfterEach
    void stopLoop() {
        loop.shutdownNow();
    }

    private void model(String name, String provider, String upstream, String... fallbacks) {
        models.put(name, new ModelConfig(name, provider, upstream, ModelConfig.CHAT, Pricing.FREE)
                .withFallbacks(List.of(fallbacks)));
    }

    /** Model m1 (p1 answering as {@code upstream}) falling back to m2 (p2 echoing); returns "m1". */
    private String withEchoFallback(String upstream) {
        model("m1", "p1", upstream, "m2");
        model("m2", "p2", "echo");
        return "m1";
    }

    private ProviderDispatcher dispatcher() {
        return dispatcher(b -> b);
    }

    private ProviderDispatcher dispatcher(UnaryOperator<ProviderDispatcher.Builder> settings) {
        GatewayConfig config = new GatewayConfig(ServerConfig.defaults(), Map.of(), models, aliases, Map.of());
        return settings.apply(ProviderDispatcher.builder(new ModelCatalog(config), Map.of("p1", p1, "p2", p2))
                .retry(FAST_RETRY).listener(events).clock(clock).random(new Random(42))).build();
    }

    private Exchange exchange(String model, boolean stream) {
        return exchange(model, stream, Duration.ofSeconds(5));
    }

    private Exchange exchange(String model, boolean stream, Duration deadline) {
        ChatRequest request = ChatRequest.of(model, List.of(Message.user("hello there")));
        if (stream) {
            request = request.withStream(true, null);
        }
        return Exchange.of("req-" + ++requests, new Caller(TEAM, "key"), request, CacheDirectives.NONE, loop,
                Deadline.in(deadline));
    }

    /** An answer and who gave it. */
    private record Result(Answer answer, Served served) {
    }

    private Result call(ProviderDispatcher dispatcher, String model) throws Exception {
        return call(dispatcher, exchange(model, false));
    }

    private static Result call(ProviderDispatcher dispatcher, Exchange exchange) throws Exception {
        Answer answer = dispatcher.answer(exchange).toCompletableFuture().get(10, TimeUnit.SECONDS);
        return new Result(answer, exchange.facts().served().get());
    }

    private Result stream(ProviderDispatcher dispatcher, String model) throws Exception {
        return call(dispatcher, exchange(model, true));
    }

    private static GatewayError failure(ProviderDispatcher dispatcher, Exchange exchange) {
        try {
            dispatcher.answer(exchange).toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return GatewayError.from(e.getCause());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("expected the request to fail");
    }

    private static String text(Result result) {
        if (result.answer() instanceof Answer.Complete complete) {
            return complete.completion().choices().getFirst().message().text();
        }
        StringBuilder sb = new StringBuilder();
        for (ChatChunk chunk : Objects.requireNonNull(((Answer.Stream) result.answer()).chunks().collectList()
                .block(Duration.ofSeconds(10)))) {
            chunk.choices().forEach(c -> sb.append(c.delta().content() == null ? "" : c.delta().content()));
        }
        return sb.toString();
    }

    @Test
    void aSingleAnswerReportsOneAttemptAndNoFallback() throws Exception {
        model("m1", "p1", "echo");
        Result result = call(dispatcher(), "m1");
        assertThat(text(result)).isEqualTo("p1/echo: hello there");
        assertThat(result.served().provider()).isEqualTo("p1");
        assertThat(result.served().model()).isEqualTo("m1");
        assertThat(result.served()).isEqualTo(new Served("p1", "m1", null, 1, null));
    }

    @Test
    void aRetryableErrorIsRetriedOnTheSameModel() throws Exception {
        model("m1", "p1", "flaky-1");
        Result result = call(dispatcher(), "m1");
        assertThat(text(result)).isEqualTo("p1/flaky-1: hello there");
        assertThat(p1.calls("flaky-1")).isEqualTo(2);
        assertThat(result.served().attempts()).isEqualTo(2);
        assertThat(result.served().fallbackFrom()).isNull();
        assertThat(events.events()).containsExactly("p1/m1#1 retryable-error", "p1/m1#2 success");
        assertThat(events.backoffs()).containsExactly(Duration.ofMillis(1));
    }

    @Test
    void retriesStopAtMaxAttemptsThenFallbacksAnswerInOrder() throws Exception {
        model("claude", "p1", "error-500", "gpt", "gemini");
        model("gpt", "p2", "connect-fail");
        model("gemini", "p2", "echo");
        Result result = call(dispatcher(b -> b.retry(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(4), 0))), "claude");
        assertThat(text(result)).isEqualTo("p2/echo: hello there");
        assertThat(p1.calls("error-500")).isEqualTo(3);
        assertThat(p2.calls("connect-fail")).isEqualTo(3);
        assertThat(result.served().provider()).isEqualTo("p2");
        assertThat(result.served().model()).isEqualTo("gemini");
        assertThat(result.served().attempts()).isEqualTo(7);
        assertThat(result.served().fallbackFrom()).isEqualTo("claude");
        assertThat(events.events()).containsExactly(
                "p1/claude#1 retryable-error", "p1/claude#2 retryable-error", "p1/claude#3 retryable-error",
                "p2/gpt#4 retryable-error", "p2/gpt#5 retryable-error", "p2/gpt#6 retryable-error",
                "p2/gemini#7 success");
        assertThat(events.backoffs()).containsExactly(Duration.ofMillis(1), Duration.ofMillis(2),
                Duration.ofMillis(1), Duration.ofMillis(2));
    }

    @Test
    void aModelsOwnRetryPolicyWins() throws Exception {
        model("m1", "p1", "error-500", "m2");
        models.put("m1", models.get("m1").withRetry(RetryPolicy.NONE));
        model("m2", "p2", "echo");
        call(dispatcher(), "m1");
        assertThat(p1.calls("error-500")).isEqualTo(1);
    }

    @Test
    void anInvalidRequestIsReturnedAtOnceWithoutFallback() {
        model("m1", "p1", "error-400", "m2");
        model("m2", "p2", "echo");
        GatewayError error = failure(dispatcher(), exchange("m1", false));
        assertThat(error).isInstanceOf(UpstreamError.class);
        assertThat(error.status()).isEqualTo(400);
        assertThat(p1.calls("error-400")).isEqualTo(1);
        assertThat(p2.totalCalls()).isZero();
        assertThat(events.events()).containsExactly("p1/m1#1 rejected");
    }

    @Test
    void aProviderThatRefusesTheGatewaysKeyFallsBackWithoutRetry() throws Exception {
        String model = withEchoFallback("error-401");
        Result result = call(dispatcher(), model);
        assertThat(result.served().model()).isEqualTo("m2");
        assertThat(events.events()).containsExactly("p1/m1#1 failed", "p2/m2#2 success");
    }

    @Test
    void rateLimitsAreRetriedAfterRetryAfterCappedAtTheMaximumBackoff() throws Exception {
        model("m1", "p1", "error-429-after-30", "m2");
        model("m2", "p2", "error-429-after-3000");
        RetryPolicy policy = new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(50), 0.5);
        GatewayError error = failure(dispatcher(b -> b.retry(policy)), exchange("m1", false));
        assertThat(error.status()).isEqualTo(429);
        assertThat(p1.totalCalls()).isEqualTo(3);
        assertThat(p2.totalCalls()).isEqualTo(3);
        assertThat(events.backoffs()).containsExactly(Duration.ofMillis(30), Duration.ofMillis(30),
                Duration.ofMillis(50), Duration.ofMillis(50));
    }

    @Test
    void emptyAndTruncatedAnswersEscalateToStrongerTiers() throws Exception {
        model("small", "p1", "empty");
        model("mid", "p1", "truncated");
        model("frontier", "p2", "echo");
        aliases.put("auto", alias());
        Result result = call(dispatcher(), "auto");
        assertThat(text(result)).isEqualTo("p2/echo: hello there");
        assertThat(result.served().tier()).isEqualTo("frontier");
        assertThat(result.served().attempts()).isEqualTo(3);
        assertThat(result.served().fallbackFrom()).isEqualTo("small");
        assertThat(events.events()).containsExactly("p1/small#1 empty-answer", "p1/mid#2 empty-answer",
                "p2/frontier#3 success");
    }

    @Test
    void escalationStartsAtTheRoutersTierAndNeverGoesDown() throws Exception {
        model("small", "p1", "echo");
        model("mid", "p1", "error-503");
        model("frontier", "p2", "echo");
        aliases.put("auto", alias());
        Exchange exchange = exchange("auto", false);
        exchange.facts().route().set(new RouteDecision("auto", "mid", "mid", 0.5, RouteCause.CLASSIFIER, null, null));
        Result result = call(dispatcher(), exchange);
        assertThat(result.served().model()).isEqualTo("frontier");
        assertThat(p1.calls("echo")).isZero();
        assertThat(p1.calls("error-503")).isEqualTo(2);
    }

    @Test
    void aLegacyFunctionCallAnswerIsNotEmptyAndRunsNoFallback() throws Exception {
        String model = withEchoFallback("function-call");
        Result result = call(dispatcher(), model);
        assertThat(result.served().model()).isEqualTo("m1");
        assertThat(((Answer.Complete) result.answer()).completion().choices().getFirst().message().extra())
                .containsKey("function_call");
        assertThat(p2.totalCalls()).isZero();
        assertThat(events.events()).containsExactly("p1/m1#1 success");
    }

    @Test
    void whenEveryModelAnswersEmptyTheLastEmptyAnswerIsReturned() throws Exception {
        model("m1", "p1", "empty", "m2");
        model("m2", "p2", "truncated");
        Result result = call(dispatcher(), "m1");
        assertThat(text(result)).isEmpty();
        assertThat(result.served().model()).isEqualTo("m2");
        assertThat(result.served().attempts()).isEqualTo(2);
    }

    @Test
    void theBreakerOpensSkipsTheProviderThenProbesAfterTheCoolDown() throws Exception {
        model("bad", "p1", "error-500", "good");
        model("fine", "p1", "echo");
        model("good", "p2", "echo");
        ProviderDispatcher dispatcher = dispatcher(b -> b.retry(RetryPolicy.NONE)
                .circuitBreaker(new CircuitBreakerPolicy(2, Duration.ofSeconds(30))));
        call(dispatcher, "bad");
        call(dispatcher, "bad");
        assertThat(p1.calls("error-500")).isEqualTo(2);
        events.clear();

        Result skipped = call(dispatcher, "bad");
        assertThat(skipped.served().model()).isEqualTo("good");
        assertThat(p1.calls("error-500")).as("open: not called").isEqualTo(2);
        assertThat(events.events()).containsExactly("skip bad", "p2/good#1 success");
        assertThat(failure(dispatcher, exchange("fine", false)).code()).isEqualTo("circuit_open");

        clock.advance(Duration.ofSeconds(30));
        events.clear();
        call(dispatcher, "bad");
        assertThat(p1.calls("error-500")).as("the half-open probe").isEqualTo(3);
        assertThat(events.events()).startsWith("p1 open->half-open", "p1 half-open->open");

        clock.advance(Duration.ofSeconds(30));
        events.clear();
        assertThat(text(call(dispatcher, "fine"))).isEqualTo("p1/echo: hello there");
        assertThat(events.events()).containsExactly("p1 open->half-open", "p1 half-open->closed", "p1/fine#1 success");
    }

    @Test
    void deploymentsArePickedByWeight() throws Exception {
        echoOn(3, 1);
        ProviderDispatcher dispatcher = dispatcher();
        int rounds = 2_000;
        for (int i = 0; i < rounds; i++) {
            call(dispatcher, "m");
        }
        assertThat(p1.calls("echo") / (double) rounds).isCloseTo(0.75, within(0.04));
        assertThat(p1.calls("echo") + p2.calls("echo")).isEqualTo(rounds);
    }

    @Test
    void deploymentsWhoseBreakerIsOpenAreSkippedAndRetriesMoveToTheNextDeployment() throws Exception {
        models.put("m", ModelConfig.ofDeployments("m", ModelConfig.CHAT, Pricing.FREE, List.of(
                new DeploymentConfig("p1", "error-502", 9), new DeploymentConfig("p2", "echo", 1))));
        ProviderDispatcher dispatcher = dispatcher(b -> b.circuitBreaker(new CircuitBreakerPolicy(1, Duration.ofMinutes(5))));
        List<String> answeredBy = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            answeredBy.add(call(dispatcher, "m").served().provider());
        }
        assertThat(answeredBy).containsOnly("p2");
        assertThat(p1.calls("error-502")).as("only until its breaker opened").isEqualTo(1);
        assertThat(p2.calls("echo")).isEqualTo(50);
    }

    /** Turn {@code turn} of conversation {@code conversation}: its system prompt and user turns so far. */
    private Exchange turn(int conversation, int turn) {
        List<Message> messages = new ArrayList<>();
        messages.add(Message.system("You help with project " + conversation + "."));
        for (int i = 0; i <= turn; i++) {
            messages.add(Message.user("question " + i));
            if (i < turn) {
                messages.add(Message.assistant("answer " + i));
            }
        }
        return Exchange.of("req-" + ++requests, new Caller(AFFINE, "key"), ChatRequest.of("m", messages),
                CacheDirectives.NONE, loop, Deadline.in(Duration.ofSeconds(5)));
    }

    /** Model m, answered by echo on p1 and p2 with these weights. */
    private void echoOn(int p1Weight, int p2Weight) {
        models.put("m", ModelConfig.ofDeployments("m", ModelConfig.CHAT, Pricing.FREE, List.of(
                new DeploymentConfig("p1", "echo", p1Weight), new DeploymentConfig("p2", "echo", p2Weight))));
    }

    @Test
    void prefixAffinityKeepsEachConversationOnOneDeploymentAndSpreadsConversationsByWeight() throws Exception {
        echoOn(3, 1);
        ProviderDispatcher dispatcher = dispatcher();
        int conversations = 400;
        int onP1 = 0;
        for (int c = 0; c < conversations; c++) {
            Set<String> providers = new HashSet<>();
            for (int t = 0; t < 5; t++) {
                providers.add(call(dispatcher, turn(c, t)).served().provider());
            }
            assertThat(providers).as("conversation %d", c).hasSize(1);
            onP1 += providers.contains("p1") ? 1 : 0;
        }
        assertThat(onP1 / (double) conversations).isCloseTo(0.75, within(0.07));
    }

    @Test
    void prefixAffinityMovesAConversationWhenItsDeploymentsBreakerOpensAndBringsItBack() throws Exception {
        echoOn(1, 1);
        ProviderDispatcher dispatcher = dispatcher(b -> b.circuitBreaker(new CircuitBreakerPolicy(1, Duration.ofSeconds(30))));
        int conversation = 0;
        while (!call(dispatcher, turn(conversation, 0)).served().provider().equals("p1")) {
            conversation++;
        }
        assertThat(call(dispatcher, turn(conversation, 1)).served().provider()).isEqualTo("p1");

        dispatcher.breakers.forProvider("p1").onFailure();
        assertThat(dispatcher.breakers.forProvider("p1").state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(call(dispatcher, turn(conversation, 2)).served().provider()).isEqualTo("p2");
        assertThat(call(dispatcher, turn(conversation, 3)).served().provider()).isEqualTo("p2");

        clock.advance(Duration.ofSeconds(31));
        assertThat(call(dispatcher, turn(conversation, 4)).served().provider())
                .as("back on its own deployment once the breaker lets it through").isEqualTo("p1");
    }

    @Test
    void theDeadlineBoundsAllAttemptsTogether() {
        model("m1", "p1", "flaky-9", "m2");
        model("m2", "p1", "slow-5000");
        ProviderDispatcher dispatcher = dispatcher(b -> b
                .retry(new RetryPolicy(3, Duration.ofMillis(50), Duration.ofMillis(50), 0)));
        long start = System.nanoTime();
        GatewayError error = failure(dispatcher, exchange("m1", false, Duration.ofMillis(300)));
        assertThat(error).isInstanceOf(TimeoutError.class);
        assertThat(error.status()).isEqualTo(504);
        assertThat(error.getMessage()).matches("no answer within 300 ms \\(\\d attempts?\\)");
        assertThat(p1.calls("flaky-9")).as("retries ran until the deadline, or to their end").isBetween(1, 3);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void aStreamThatFailsBeforeItsFirstChunkIsRetried() throws Exception {
        model("m1", "p1", "flaky-1");
        Result result = stream(dispatcher(), "m1");
        assertThat(result.served().attempts()).isEqualTo(2);
        assertThat(text(result)).isEqualTo("p1/flaky-1: hello there");
        assertThat(p1.calls("flaky-1")).isEqualTo(2);
    }

    @Test
    void aStreamFallsBackAndItsMetadataNamesWhoAnswered() throws Exception {
        model("m1", "p1", "connect-fail", "m2");
        model("m2", "p2", "echo");
        Result result = stream(dispatcher(), "m1");
        assertThat(result.served().provider()).isEqualTo("p2");
        assertThat(result.served().model()).isEqualTo("m2");
        assertThat(result.served().fallbackFrom()).isEqualTo("m1");
        assertThat(text(result)).isEqualTo("p2/echo: hello there");
    }

    @Test
    void aStreamIsNeverRetriedAfterItsFirstChunk() throws Exception {
        model("m1", "p1", "midstream-fail-2", "m2");
        model("m2", "p2", "echo");
        Result result = stream(dispatcher(), "m1");
        List<String> seen = new ArrayList<>();
        assertThatThrownBy(() -> ((Answer.Stream) result.answer()).chunks().doOnNext(c -> seen.add(c.choices().getFirst().delta().content()))
                .blockLast(Duration.ofSeconds(10)))
                .isInstanceOf(UpstreamError.class).hasMessage("failed mid-stream");
        assertThat(seen).containsExactly("p1/midstream-fail-2: ", "hello ");
        assertThat(p1.totalCalls()).isEqualTo(1);
        assertThat(p2.totalCalls()).isZero();
    }

    @Test
    void aStreamPastTheDeadlineIsCancelledUpstream() throws Exception {
        model("m1", "p1", "slow-5000");
        GatewayError error = failure(dispatcher(), exchange("m1", true, Duration.ofMillis(100)));
        assertThat(error).isInstanceOf(TimeoutError.class);
        // the loop runs the cancel, which queues the attempt's end: two round trips see both
        loop.submit(() -> { }).get(5, TimeUnit.SECONDS);
        loop.submit(() -> { }).get(5, TimeUnit.SECONDS);
        assertThat(p1.cancelledStreams()).isEqualTo(1);
        assertThat(events.events()).containsExactly("p1/m1#1 cancelled");
    }

    @Test
    void thePeekedStreamFollowsDemand() throws Exception {
        model("m1", "p1", "echo");
        Result result = stream(dispatcher(), "m1");
        List<ChatChunk> received = new ArrayList<>();
        reactor.core.publisher.BaseSubscriber<ChatChunk> oneByOne = new reactor.core.publisher.BaseSubscriber<>() {
            @Override
            protected void hookOnSubscribe(org.reactivestreams.Subscription subscription) {
                request(1);
            }

            @Override
            protected void hookOnNext(ChatChunk chunk) {
                received.add(chunk);
            }
        };
        ((Answer.Stream) result.answer()).chunks().subscribe(oneByOne);
        assertThat(received).hasSize(1);
        oneByOne.request(2);
        assertThat(received).hasSize(3);
        oneByOne.request(10);
        assertThat(received).hasSize(4);
        assertThat(received.getLast().finishReason()).isEqualTo("stop");
    }

    private static AliasConfig alias() {
        Map<String, List<String>> tiers = new LinkedHashMap<>();
        tiers.put("small", List.of("small"));
        tiers.put("mid", List.of("mid"));
        tiers.put("frontier", List.of("frontier"));
        return new AliasConfig("auto", tiers, "small");
    }
}
