package dev.tiergate.cache.semantic.online;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.tiergate.cache.semantic.SemanticCacheSettings;
import dev.tiergate.cache.semantic.verify.OnnxPairVerifier;
import dev.tiergate.core.config.TeamConfig;
import dev.tiergate.core.error.RateLimitedError;
import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.Message;
import dev.tiergate.core.model.Usage;
import dev.tiergate.core.pipeline.CacheDirectives;
import dev.tiergate.core.pipeline.Caller;
import dev.tiergate.core.pipeline.Deadline;
import dev.tiergate.core.pipeline.Exchange;
import dev.tiergate.cache.testing.BundledModels;
import dev.tiergate.inference.embedding.OnnxSentenceEmbedder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Online verification's coordination on the real embedding model and pair verifier: which hits are
 * checked, the bound on shadow calls in flight, how refusals and failures count, and the tightening
 * of a team's operating point (once per step, bounded, logged once at WARN).
 */
class OnlineVerifierTest {
    private static final String SERVED = "The capital of France is Paris.";
    private static OnnxSentenceEmbedder embedder;
    private static OnnxPairVerifier verifier;

    private ScheduledExecutorService loop;
    private ExecutorService workers;
    private ListAppender<ILoggingEvent> log;

    @BeforeAll
    static void load() {
        embedder = BundledModels.embedder();
        verifier = BundledModels.verifier();
    }

    @BeforeEach
    void start() {
        loop = Executors.newSingleThreadScheduledExecutor();
        workers = Executors.newSingleThreadExecutor();
        log = new ListAppender<>();
        log.start();
        ((Logger) LoggerFactory.getLogger(OnlineVerifier.class)).addAppender(log);
    }

    @AfterEach
    void stop() {
        ((Logger) LoggerFactory.getLogger(OnlineVerifier.class)).detachAppender(log);
        loop.shutdownNow();
        workers.shutdownNow();
    }

    private static OnlineVerificationSettings settings(double share, int maxConcurrent) {
        return new OnlineVerificationSettings(share, Map.of(), Map.of("team-a", 0.03), 0.03, Duration.ofSeconds(5),
                maxConcurrent, 10, 5, 0.65, 2);
    }

    private OnlineVerifier verifier(OnlineVerificationSettings settings, ShadowCalls calls) {
        return OnlineVerifier.builder(settings, SemanticCacheSettings.defaultSettings(), embedder,
                new OnlineCheckState(settings.window(), settings.maxConcurrent()), calls, workers)
                .verifier(verifier).random(new Random(7)).build();
    }

    private Exchange hit(String team) {
        return Exchange.of("req-" + team, new Caller(new TeamConfig(team, List.of(), Set.of("*"), null, Map.of()),
                "key-" + team), ChatRequest.of("m", List.of(Message.user("What is the capital of France?"))),
                CacheDirectives.NONE, loop, Deadline.in(Duration.ofSeconds(5)));
    }

    private static ChatCompletion completion(String text) {
        return new ChatCompletion("chatcmpl-1", ChatCompletion.OBJECT, 1L, "m",
                List.of(new ChatCompletion.Choice(0, Message.assistant(text), "stop", Map.of())), Usage.of(5, 7),
                null, Map.of());
    }

    private static ShadowCalls answering(String text) {
        return (hit, timeout) -> CompletableFuture.completedFuture(completion(text));
    }

    /** Serves one hit and waits until its check is done (counted as a check or a skip). */
    private static void serveAndWait(OnlineVerifier online, Exchange hit) throws InterruptedException {
        OnlineVerifier.TeamReport before = online.report(hit.caller().teamId());
        online.served(hit, completion(SERVED));
        await(() -> done(online.report(hit.caller().teamId())) > done(before));
    }

    private static long done(OnlineVerifier.TeamReport r) {
        return r.checks() + r.skippedBusy() + r.skippedLimits() + r.failed();
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("timed out").isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    private List<String> warnings() {
        return log.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage)
                .toList();
    }

    @Test
    void aTeamIsTightenedOneStepAtATimeWhileItsFalseHitsStayAboveTheToleratedRateAndNoFurtherThanItsBound()
            throws InterruptedException {
        OnlineVerifier online = verifier(settings(1.0, 4), answering("The capital of Italy is Rome."));
        Exchange hit = hit("team-a");
        assertThat(online.operatingPoint("team-a")).isEqualTo(0.76);
        for (int i = 0; i < 4; i++) {
            serveAndWait(online, hit);
        }
        assertThat(online.report("team-a").tightenings()).as("4 checks: fewer than min-checks").isZero();
        serveAndWait(online, hit);
        OnlineVerifier.TeamReport first = online.report("team-a");
        assertThat(first.tightenings()).isEqualTo(1);
        assertThat(first.falseHitRate().trials()).as("the window starts again").isZero();
        assertThat(first.operatingPoint()).isEqualTo(online.operatingPoint("team-a")).isGreaterThan(0.76);
        assertThat(online.precisionTarget("team-a", 0.97)).isCloseTo(0.985, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(warnings()).singleElement().satisfies(w -> assertThat(w)
                .contains("team team-a", "5 of 5 checks", "above its tolerated 0.0300", "step 1 of 2",
                        "precision target 0.9850"));

        for (int i = 0; i < 15; i++) {
            serveAndWait(online, hit);
        }
        OnlineVerifier.TeamReport last = online.report("team-a");
        assertThat(last.checks()).isEqualTo(20);
        assertThat(last.falseHits()).isEqualTo(20);
        assertThat(last.tightenings()).as("bounded by max-tightenings").isEqualTo(2);
        assertThat(last.operatingPoint()).as("every step raises the threshold").isGreaterThan(first.operatingPoint())
                .isLessThan(1.0);
        assertThat(warnings()).as("logged once per change").hasSize(2);
        assertThat(online.report("team-b").tightenings()).as("other teams untouched").isZero();
        assertThat(online.operatingPoint("team-b")).isEqualTo(0.76);
    }

    @Test
    void theSameAnswerKeepsTheTeamWhereItIs() throws InterruptedException {
        OnlineVerifier online = verifier(settings(1.0, 4), answering("Paris is the capital of France."));
        for (int i = 0; i < 10; i++) {
            serveAndWait(online, hit("team-a"));
        }
        OnlineVerifier.TeamReport report = online.report("team-a");
        assertThat(report.checks()).isEqualTo(10);
        assertThat(report.falseHits()).isZero();
        assertThat(report.falseHitRate()).isEqualTo(WilsonInterval.of(0, 10));
        assertThat(report.tightenings()).isZero();
        assertThat(warnings()).isEmpty();
    }

    @Test
    void onlyTheTeamsShareOfHitsIsChecked() throws InterruptedException {
        AtomicInteger asked = new AtomicInteger();
        ShadowCalls counting = (hit, timeout) -> {
            asked.incrementAndGet();
            return CompletableFuture.completedFuture(completion(SERVED));
        };
        OnlineVerifier none = verifier(settings(0, 4), counting);
        for (int i = 0; i < 50; i++) {
            none.served(hit("team-a"), completion(SERVED));
        }
        OnlineVerificationSettings quarter = new OnlineVerificationSettings(0, Map.of("team-a", 0.25), Map.of(), 0.03,
                Duration.ofSeconds(5), 1024, 10, 5, 0.65, 2);
        OnlineCheckState state = new OnlineCheckState(quarter.window(), quarter.maxConcurrent());
        OnlineVerifier some = OnlineVerifier.builder(quarter, SemanticCacheSettings.defaultSettings(), embedder, state,
                counting, workers).verifier(verifier).random(new Random(7)).build();
        for (int i = 0; i < 400; i++) {
            some.served(hit("team-b"), completion(SERVED));
            some.served(hit("team-a"), completion(SERVED));
        }
        await(() -> state.inFlight() == 0);
        OnlineVerifier.TeamReport report = some.report("team-a");
        assertThat(some.report("team-b").checks()).isZero();
        assertThat(report.skippedBusy()).isZero();
        assertThat(report.checks()).as("a quarter of 400").isBetween(70L, 130L).isEqualTo(asked.get());
    }

    @Test
    void shadowCallsPastTheBoundAreSkippedAndRefusalsAndFailuresAreCountedApart() throws InterruptedException {
        CompletableFuture<ChatCompletion> pending = new CompletableFuture<>();
        AtomicInteger calls = new AtomicInteger();
        ShadowCalls calls3 = (hit, timeout) -> switch (calls.incrementAndGet()) {
            case 1 -> pending;
            case 2 -> CompletableFuture.failedFuture(new RateLimitedError("budget", "budget_exceeded", null));
            default -> CompletableFuture.failedFuture(new IllegalStateException("upstream gone"));
        };
        OnlineVerifier online = verifier(settings(1.0, 1), calls3);
        online.served(hit("team-a"), completion(SERVED));
        await(() -> calls.get() == 1);
        online.served(hit("team-a"), completion(SERVED));
        assertThat(online.report("team-a").skippedBusy()).as("the one slot is taken").isEqualTo(1);
        assertThat(calls.get()).isEqualTo(1);
        pending.complete(completion(SERVED));
        await(() -> online.report("team-a").checks() == 1);

        serveAndWait(online, hit("team-a"));
        assertThat(online.report("team-a").skippedLimits()).isEqualTo(1);
        serveAndWait(online, hit("team-a"));
        OnlineVerifier.TeamReport report = online.report("team-a");
        assertThat(report.failed()).isEqualTo(1);
        assertThat(report.checks()).isEqualTo(1);
        assertThat(report.falseHitRate().trials()).as("skips are not checks").isEqualTo(1);
    }
}
