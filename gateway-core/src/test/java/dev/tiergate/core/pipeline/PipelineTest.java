package dev.tiergate.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tiergate.core.config.TeamConfig;
import dev.tiergate.core.error.GatewayError;
import dev.tiergate.core.error.InternalGatewayError;
import dev.tiergate.core.error.RateLimitedError;
import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.Message;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The stage runtime: order, short-circuits, hooks, resuming, and every failure branch of both policies. */
class PipelineTest {
    private static final TeamConfig TEAM = new TeamConfig("team", List.of(), Set.of("*"), null, Map.of());
    private static final Answer UPSTREAM = new Answer.Complete(completion("upstream"));

    /** What reached the loop thread's uncaught-exception handler (the gateway's ends the process). */
    private final List<Throwable> escalated = Collections.synchronizedList(new ArrayList<>());
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "test-loop");
        t.setUncaughtExceptionHandler((thread, e) -> escalated.add(e));
        return t;
    });
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(
            r -> new Thread(r, "test-worker"));
    private final List<String> steps = Collections.synchronizedList(new ArrayList<>());
    private final List<String> terminalThreads = Collections.synchronizedList(new ArrayList<>());
    private final StageObserver observer = (stage, outcome, nanos) -> steps.add(stage + ":" + outcome);
    private final Terminal terminal = exchange -> {
        terminalThreads.add(Thread.currentThread().getName());
        return CompletableFuture.completedFuture(UPSTREAM);
    };

    @AfterEach
    void stop() {
        loop.shutdownNow();
        worker.shutdownNow();
    }

    private static ChatCompletion completion(String text) {
        return new ChatCompletion("id", ChatCompletion.OBJECT, 0L, "m",
                List.of(new ChatCompletion.Choice(0, Message.assistant(text), "stop", Map.of())), null, null, Map.of());
    }

    private Exchange exchange() {
        return Exchange.of("req-1", new Caller(TEAM, "key"), ChatRequest.of("m", List.of(Message.user("hi"))),
                CacheDirectives.NONE, loop, Deadline.in(Duration.ofSeconds(5)));
    }

    private Answer run(PipelineStage... stages) throws Exception {
        Exchange exchange = exchange();
        return loop.submit(() -> Pipeline.of(List.of(stages), terminal, observer).answer(exchange))
                .get(5, TimeUnit.SECONDS).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private static String text(Answer answer) {
        return ((Answer.Complete) answer).completion().choices().getFirst().message().text();
    }

    private static PipelineStage stage(String name, FailurePolicy policy,
                                       Function<Exchange, CompletionStage<StageStep>> before) {
        return new PipelineStage() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public FailurePolicy failurePolicy() {
                return policy;
            }

            @Override
            public CompletionStage<StageStep> before(Exchange exchange) {
                return before.apply(exchange);
            }
        };
    }

    private static PipelineStage passing(String name) {
        return stage(name, FailurePolicy.FAIL_OPEN, ex -> StageStep.proceed(ex, "pass"));
    }

    private static PipelineStage tagging(String name, String tag) {
        return stage(name, FailurePolicy.FAIL_OPEN, ex -> StageStep.proceed(ex, "pass",
                answer -> new Answer.Complete(completion(text(answer) + "+" + tag))));
    }

    @Test
    void stagesRunInTheGivenOrderAndHooksUnwindInReverse() throws Exception {
        Answer answer = run(tagging("a", "a"), tagging("b", "b"), passing("c"));
        assertThat(text(answer)).isEqualTo("upstream+b+a");
        assertThat(steps).containsExactly("a:pass", "b:pass", "c:pass");
    }

    @Test
    void aStageThatRespondsEndsThePipelineAndEarlierHooksStillSeeTheAnswer() throws Exception {
        PipelineStage hit = stage("cache", FailurePolicy.FAIL_OPEN,
                ex -> StageStep.respond(new Answer.Complete(completion("cached")), "hit"));
        Answer answer = run(tagging("a", "a"), hit, passing("never"));
        assertThat(text(answer)).isEqualTo("cached+a");
        assertThat(steps).containsExactly("a:pass", "cache:hit");
        assertThat(terminalThreads).isEmpty();
    }

    @Test
    void afterAsynchronousWorkTheRestRunsOnTheExchangesExecutor() throws Exception {
        PipelineStage async = stage("async", FailurePolicy.FAIL_OPEN,
                ex -> CompletableFuture.supplyAsync(() -> new StageStep.Proceed(ex, null, "pass"), worker));
        run(async, passing("next"));
        assertThat(terminalThreads).containsExactly("test-loop");
    }

    @Test
    void aSynchronousThrowFromAFailOpenStageSkipsIt() throws Exception {
        PipelineStage broken = stage("broken", FailurePolicy.FAIL_OPEN, ex -> {
            throw new IllegalStateException("boom");
        });
        Answer answer = run(broken, passing("next"));
        assertThat(text(answer)).isEqualTo("upstream");
        assertThat(steps).containsExactly("broken:failed-open", "next:pass");
    }

    @Test
    void anAsynchronousFailureOfAFailOpenStageSkipsItAndItsHook() throws Exception {
        PipelineStage broken = stage("broken", FailurePolicy.FAIL_OPEN,
                ex -> CompletableFuture.supplyAsync(() -> {
                    throw new IllegalStateException("store down");
                }, worker));
        Answer answer = run(broken, passing("next"));
        assertThat(text(answer)).isEqualTo("upstream");
        assertThat(steps).containsExactly("broken:failed-open", "next:pass");
        assertThat(terminalThreads).containsExactly("test-loop");
    }

    @Test
    void anOutOfMemoryErrorIsNeverSkippedEvenInAFailOpenStage() {
        OutOfMemoryError oom = new OutOfMemoryError("test: Direct buffer memory");
        PipelineStage starving = stage("semantic-cache", FailurePolicy.FAIL_OPEN,
                ex -> CompletableFuture.supplyAsync(() -> {
                    throw oom;
                }, worker));
        assertThatThrownBy(() -> run(starving, passing("next")))
                .isInstanceOf(ExecutionException.class).cause().isSameAs(oom);
        assertThat(escalated).containsExactly(oom);
        assertThat(steps).containsExactly("semantic-cache:failed");
        assertThat(terminalThreads).isEmpty();
    }

    @Test
    void aFailOpenHookThatThrowsPassesTheAnswerUnchanged() throws Exception {
        PipelineStage badHook = stage("hook", FailurePolicy.FAIL_OPEN, ex -> StageStep.proceed(ex, "pass", answer -> {
            throw new IllegalStateException("cannot record");
        }));
        Answer answer = run(badHook);
        assertThat(text(answer)).isEqualTo("upstream");
        assertThat(steps).containsExactly("hook:pass", "hook:failed-open");
    }

    @Test
    void aFailClosedStageThatFailsRejectsTheRequestSynchronouslyOrNot() {
        PipelineStage sync = stage("limits", FailurePolicy.FAIL_CLOSED, ex -> {
            throw new IllegalStateException("store down");
        });
        assertThatThrownBy(() -> run(sync, passing("next")))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(InternalGatewayError.class);
        PipelineStage async = stage("limits", FailurePolicy.FAIL_CLOSED,
                ex -> CompletableFuture.failedFuture(new IllegalStateException("store down")));
        assertThatThrownBy(() -> run(async, passing("next")))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(InternalGatewayError.class);
        assertThat(steps).containsExactly("limits:failed", "limits:failed");
        assertThat(terminalThreads).isEmpty();
    }

    @Test
    void aFailClosedHookThatThrowsFailsTheRequest() {
        PipelineStage badHook = stage("money", FailurePolicy.FAIL_CLOSED, ex -> StageStep.proceed(ex, "pass", answer -> {
            throw new IllegalStateException("cannot price");
        }));
        assertThatThrownBy(() -> run(badHook))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(GatewayError.class);
    }

    @Test
    void aGatewayErrorIsAnIntendedAnswerEvenFromAFailOpenStage() {
        RateLimitedError refusal = new RateLimitedError("over budget", "budget_exceeded", null);
        PipelineStage refusing = stage("limits", FailurePolicy.FAIL_OPEN,
                ex -> CompletableFuture.failedFuture(refusal));
        assertThatThrownBy(() -> run(refusing, passing("next")))
                .isInstanceOf(ExecutionException.class).cause().isSameAs(refusal);
        assertThat(steps).containsExactly("limits:refused");
    }

    @Test
    void aStageCanChangeTheRequestForTheRest() throws Exception {
        List<String> seen = new ArrayList<>();
        PipelineStage rewrite = stage("rewrite", FailurePolicy.FAIL_OPEN,
                ex -> StageStep.proceed(ex.withRequest(ex.chat().withModel("other")), "pass"));
        PipelineStage look = stage("look", FailurePolicy.FAIL_OPEN, ex -> {
            seen.add(ex.request().model());
            return StageStep.proceed(ex, "pass");
        });
        run(rewrite, look);
        assertThat(seen).containsExactly("other");
    }

    @Test
    void factsAreSetOnce() {
        RequestFacts facts = new RequestFacts();
        facts.exactCache().set(CacheLookup.miss());
        assertThatThrownBy(() -> facts.exactCache().set(CacheLookup.bypass())).isInstanceOf(IllegalStateException.class);
        assertThat(facts.exactCache().setIfAbsent(CacheLookup.bypass())).isEqualTo(CacheLookup.miss());
    }

    @Test
    void theCacheOutcomeOverBothLayers() {
        RequestFacts missThenSemanticHit = new RequestFacts();
        missThenSemanticHit.exactCache().set(CacheLookup.miss());
        missThenSemanticHit.semanticCache().set(CacheLookup.semanticHit(3, 0.93));
        assertThat(missThenSemanticHit.cache().outcome()).isEqualTo(CacheOutcome.SEMANTIC_HIT);
        RequestFacts bypassed = new RequestFacts();
        bypassed.exactCache().set(CacheLookup.bypass());
        bypassed.semanticCache().set(CacheLookup.bypass());
        assertThat(bypassed.cache().outcome()).isEqualTo(CacheOutcome.BYPASS);
        RequestFacts misses = new RequestFacts();
        misses.exactCache().set(CacheLookup.miss());
        misses.semanticCache().set(CacheLookup.miss());
        assertThat(misses.cache().outcome()).isEqualTo(CacheOutcome.MISS);
        assertThat(new RequestFacts().cache()).isNull();
    }
}
