package dev.tiergate.cache.semantic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiergate.cache.exact.ExactCacheSettings;
import dev.tiergate.cache.exact.ExactCacheStage;
import dev.tiergate.cache.semantic.store.EntryPart;
import dev.tiergate.cache.semantic.store.InMemorySemanticStore;
import dev.tiergate.cache.semantic.store.RedisSemanticStore;
import dev.tiergate.cache.semantic.store.SemanticStore;
import dev.tiergate.cache.semantic.store.StoreEntry;
import dev.tiergate.cache.semantic.store.StoredProbe;
import dev.tiergate.cache.testing.ScriptedUpstream;
import dev.tiergate.cache.testing.StageResult;
import dev.tiergate.cache.testing.StageThreads;
import dev.tiergate.core.config.TeamConfig;
import dev.tiergate.core.embedding.PromptEmbedding;
import dev.tiergate.core.embedding.SentenceEmbedder;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.model.ChatRequestParser;
import dev.tiergate.core.pipeline.CacheLookup;
import dev.tiergate.core.pipeline.CacheOutcome;
import dev.tiergate.core.pipeline.Caller;
import dev.tiergate.core.pipeline.Exchange;
import dev.tiergate.core.pipeline.Deadline;
import dev.tiergate.core.pipeline.Answer;
import dev.tiergate.inference.embedding.OnnxSentenceEmbedder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

class SemanticCacheStageTest {
    private static final long NOW_SECONDS = 1_800_000_000L;
    private static final Caller TEAM_A = caller("team-a");
    private static final Caller TEAM_B = caller("team-b");
    private static final String RESET = "how do I reset my password";
    private static final String FORGOT = "I forgot my password, how can I change it";

    private static OnnxSentenceEmbedder embedder;

    private final StageThreads threads = new StageThreads();
    private final ScheduledExecutorService eventLoop = threads.eventLoop();
    private final ThreadPoolExecutor workers = threads.workers();
    private final ScriptedUpstream upstream = new ScriptedUpstream();
    private final InMemorySemanticStore store = InMemorySemanticStore.create();

    @BeforeAll
    static void loadModel() {
        embedder = OnnxSentenceEmbedder.create();
    }

    @AfterAll
    static void closeModel() {
        embedder.close();
    }

    @AfterEach
    void shutdown() {
        threads.close();
    }

    // --- hits and misses by meaning ---

    @Test
    void aParaphraseHitsWithItsSimilarityAndAge() {
        SemanticCacheStage stage = stage(SemanticCacheSettings.defaultSettings());
        StageResult first = run(stage, TEAM_A, body(RESET, false));
        awaitStores(stage, 1);
        StageResult second = run(stage, TEAM_A, body(FORGOT, false));

        assertThat(first.cache()).isEqualTo(CacheOutcome.MISS);
        assertThat(second.cache()).isEqualTo(CacheOutcome.SEMANTIC_HIT);
        assertThat(upstream.calls()).isEqualTo(1);
        assertThat(second.completion().choices().getFirst().message().text()).isEqualTo("answer 1");
        assertThat(second.completion().id()).startsWith("chatcmpl-").isNotEqualTo("chatcmpl-upstream");
        assertThat(second.completion().created()).isEqualTo(NOW_SECONDS);
        assertThat(second.served().provider()).isEqualTo("fake");
        assertThat(second.served().model()).isEqualTo("fake-model-2025");
        assertThat(second.served().tier()).isEqualTo("small");
        assertThat(second.lookup().similarity()).isBetween(SemanticTeamSettings.DEFAULT_THRESHOLD, 1.0);
        assertThat(second.lookup().ageSeconds()).isZero();
        assertThat(first.steps()).containsExactly("semantic-cache:miss");
        assertThat(second.steps()).containsExactly("semantic-cache:hit");
        assertThat(stage.stats().stores()).isEqualTo(1);
    }

    @Test
    void differentNumbersNeverHit() {
        SemanticCacheStage stage = stage(SemanticCacheSettings.defaultSettings());
        run(stage, TEAM_A, body("what is 2+3", false));
        awaitStores(stage, 1);
        StageResult second = run(stage, TEAM_A, body("what is 2+4", false));
        assertThat(second.cache()).isEqualTo(CacheOutcome.MISS);
        assertThat(upstream.calls()).isEqualTo(2);

        // Even with the threshold far down, the numbers guard refuses it.
        SemanticCacheStage lenient = stage(SemanticCacheSettings.builder()
                .defaults(SemanticTeamSettings.builder().threshold(0.3).build()).build());
        run(lenient, TEAM_B, body("what is 2+3", false));
        awaitStores(lenient, 1);
        assertThat(run(lenient, TEAM_B, body("what is 2+4", false)).cache()).isEqualTo(CacheOutcome.MISS);
        assertThat(run(lenient, TEAM_B, body("What is 2+3?", false)).cache())
                .isEqualTo(CacheOutcome.SEMANTIC_HIT);
    }

    @Test
    void negationAndUnrelatedPromptsMiss() {
        SemanticCacheStage stage = stage(SemanticCacheSettings.defaultSettings());
        run(stage, TEAM_A, body("Why is the sky blue?", false));
        awaitStores(stage, 1);
        assertThat(run(stage, TEAM_A, body("Why is the sky not blue?", false)).cache())
                .isEqualTo(CacheOutcome.MISS);
        assertThat(run(stage, TEAM_A, body("Write a haiku about autumn leaves", false)).cache())
                .isEqualTo(CacheOutcome.MISS);
        assertThat(upstream.calls()).isEqualTo(3);
    }

    @Test
    void onlyTheSameContextMatches() {
        SemanticCacheStage stage = stage(SemanticCacheSettings.defaultSettings());
        run(stage, TEAM_A, body(RESET, false));
        awaitStores(stage, 1);

        String otherSystem = """
                {"model":"gpt-4o-mini","messages":[{"role":"system","content":"Answer in French."},
                 {"role":"user","content":"%s"}]}""".formatted(FORGOT);
        String otherModel = body(FORGOT, false).replace("gpt-4o-mini", "gpt-4o");
        String otherTemperature = body(FORGOT, false).replace("\"model\"", "\"temperature\":0.2,\"model\"");
        String withTools = body(FORGOT, false).replace("\"model\"", """
                "tools":[{"type":"function","function":{"name":"reset","parameters":{}}}],"model\"""");
        for (String other : List.of(otherSystem, otherModel, otherTemperature, withTools)) {
            assertThat(run(stage, TEAM_A, other).cache()).as(other).isEqualTo(CacheOutcome.MISS);
        }
        assertThat(run(stage, TEAM_B, body(FORGOT, false)).cache()).as("another team")
                .isEqualTo(CacheOutcome.MISS);
        assertThat(run(stage, TEAM_A, body(FORGOT, true).replace("\"stream\":true", "\"stream\":false"))
                .cache()).isEqualTo(CacheOutcome.SEMANTIC_HIT);
    }

    @Test
    void teamsSharingANamespaceShareEntries() {
        SemanticTeamSettings shared = SemanticTeamSettings.builder().namespace("shared").build();
        SemanticCacheStage stage = stage(SemanticCacheSettings.builder().team("team-a", shared)
                .team("team-b", shared).build());
        run(stage, TEAM_A, body(RESET, false));
        awaitStores(stage, 1);
        assertThat(run(stage, TEAM_B, body(FORGOT, false)).cache()).isEqualTo(CacheOutcome.SEMANTIC_HIT);
    }

    // --- stream and plain ---

    @Test
    void streamMissThenStreamHitReplaysTheRecordedChunks() {
        SemanticCacheStage stage = stage(SemanticCacheSettings.defaultSettings());
        StageResult first = run(stage, TEAM_A, bodyWithUsage(RESET));
        List<ChatChunk> original = first.chunks().collectList().block();
        awaitStores(stage, 1);
        StageResult second = run(stage, TEAM_A, bodyWithUsage(FORGOT));
        List<ChatChunk> replayed = second.chunks().collectList().block();

        assertThat(second.cache()).isEqualTo(CacheOutcome.SEMANTIC_HIT);
        assertThat(upstream.calls()).isEqualTo(1);
        assertThat(replayed).hasSameSizeAs(original);
        assertThat(replayed).extracting(ChatChunk::id).containsOnly(replayed.getFirst().id())
                .doesNotContain("chatcmpl-upstream");
        assertThat(replayed).extracting(ChatChunk::created).containsOnly(NOW_SECONDS);
        assertThat(ScriptedUpstream.text(replayed)).isEqualTo("answer 1");
        assertThat(replayed.getLast().usage().totalTokens()).isEqualTo(18);
    }

    @Test
    void streamMissThenPlainHitServesTheAggregate() {
        SemanticCacheStage stage = stage(SemanticCacheSettings.defaultSettings());
        run(stage, TEAM_A, body(RESET, true)).chunks().blockLast();
        awaitStores(stage, 1);
        StageResult hit = run(stage, TEAM_A, body(FORGOT, false));

        assertThat(hit.cache()).isEqualTo(CacheOutcome.SEMANTIC_HIT);
        ChatCompletion.Choice choice = hit.completion().choices().getFirst();
        assertThat(choice.message().text()).isEqualTo("answer 1");
        assertThat(choice.finishReason()).isEqualTo("stop");
        assertThat(hit.completion().usage().totalTokens()).isEqualTo(18);
    }

    @Test
    void plainMissThenStreamHitGetsChunksMadeFromTheAggregate() {
        SemanticCacheStage stage = stage(SemanticCacheSettings.defaultSettings());
        run(stage, TEAM_A, body(RESET, false));
        awaitStores(stage, 1);
        StageResult hit = run(stage, TEAM_A, body(FORGOT, true));
        List<ChatChunk> chunks = hit.chunks().collectList().block();

        assertThat(hit.cache()).isEqualTo(CacheOutcome.SEMANTIC_HIT);
        assertThat(chunks).hasSize(4);
        assertThat(ScriptedUpstream.text(chunks)).isEqualTo("answer 1");
        assertThat(chunks.get(2).finishReason()).isEqualTo("stop");
        assertThat(chunks.getLast().usage()).as("the usage chunk, last").isNotNull();
    }

    @Test
    void streamMissThenStreamHitReplaysTheRecording() {
        SemanticCacheStage stage = stage(SemanticCacheSettings.defaultSettings());
        run(stage, TEAM_A, body(RESET, true)).chunks().blockLast();
        awaitStores(stage, 1);
        List<ChatChunk> chunks = run(stage, TEAM_A, body(FORGOT, true)).chunks()
                .collectList().block();
        assertThat(chunks).hasSize(5);
        assertThat(chunks.getLast().usage()).isNotNull();
        assertThat(upstream.calls()).isEqualTo(1);
    }

    @Test
    void brokenStreamsAndUnfinishedAnswersAreNotStored() {
        SemanticCacheStage stage = stage(SemanticCacheSettings.defaultSettings());
        upstream.answeringStream(call -> new Answer.Stream(
                Flux.fromIterable(ScriptedUpstream.streamChunks("partial", "stop", false).subList(0, 2))
                        .concatWith(Flux.error(new IllegalStateException("upstream reset")))));
        StageResult broken = run(stage, TEAM_A, body(RESET, true));
        broken.chunks().onErrorResume(e -> Flux.empty()).blockLast();

        upstream.answeringStream(ScriptedUpstream::streamAnswer);
        StageResult cancelled = run(stage, TEAM_A, body(RESET, true));
        cancelled.chunks().take(1).blockLast();

        upstream.answeringPlain(call -> ScriptedUpstream.plain("filtered", "content_filter"));
        run(stage, TEAM_A, body(RESET, false));

        assertThat(stage.stats().rejected()).isEqualTo(3);
        assertThat(store.size()).isZero();
        assertThat(run(stage, TEAM_A, body(FORGOT, false)).cache()).isEqualTo(CacheOutcome.MISS);
    }

    // --- headers, settings ---

    @Test
    void bypassAndNoStoreHeadersAreHonoured() {
        SemanticCacheStage stage = stage(SemanticCacheSettings.defaultSettings());
        StageResult bypassed = run(stage, exchange(TEAM_A, body(RESET, false), Map.of("cache-control", "no-cache")));
        StageResult off = run(stage, exchange(TEAM_A, body(RESET, false), Map.of("x-tiergate-cache", "off")));
        StageResult noStore = run(stage, exchange(TEAM_A, body(RESET, false), Map.of("cache-control", "no-store")));
        assertThat(bypassed.cache()).isEqualTo(CacheOutcome.BYPASS);
        assertThat(off.cache()).isEqualTo(CacheOutcome.BYPASS);
        assertThat(noStore.cache()).isEqualTo(CacheOutcome.MISS);
        assertThat(store.size()).isZero();

        run(stage, TEAM_A, body(RESET, false));
        awaitStores(stage, 1);
        assertThat(run(stage, exchange(TEAM_A, body(FORGOT, false), Map.of("cache-control", "no-store")))
                .cache()).as("no-store still reads").isEqualTo(CacheOutcome.SEMANTIC_HIT);
        assertThat(run(stage, exchange(TEAM_A, body(FORGOT, false), Map.of("cache-control", "no-cache")))
                .cache()).isEqualTo(CacheOutcome.BYPASS);
    }

    @Test
    void aDisabledTeamIsPassedOnUntouched() {
        SemanticCacheStage stage = stage(SemanticCacheSettings.builder()
                .team("team-a", SemanticTeamSettings.builder().enabled(false).build()).build());
        StageResult result = run(stage, TEAM_A, body(RESET, false));
        assertThat(result.cache()).isNull();
        assertThat(store.size()).isZero();
    }

    @Test
    void promptsItCannotCompareArePassedOn() {
        SemanticCacheStage stage = stage(SemanticCacheSettings.builder().maxPromptChars(100).build());
        String tooLong = body("word ".repeat(50), false);
        String lastIsAssistant = """
                {"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"Hello"}]}""";
        String image = """
                {"model":"gpt-4o-mini","messages":[{"role":"user","content":[{"type":"text","text":"what is this?"},
                 {"type":"image_url","image_url":{"url":"https://example.com/a.png"}}]}]}""";
        for (String body : List.of(tooLong, lastIsAssistant, image)) {
            StageResult result = run(stage, TEAM_A, body);
            assertThat(result.cache()).isNull();
            assertThat(result.steps()).containsExactly("semantic-cache:skipped");
        }
    }

    @Test
    void aTeamKeyServesItsTeamAndEntriesHoldNoPlainText() {
        byte[] key = new byte[32];
        key[0] = 7;
        SemanticCacheStage stage = stage(SemanticCacheSettings.builder()
                .defaults(SemanticTeamSettings.builder().encryptionKey(key).build()).build());
        upstream.answeringPlain(call -> ScriptedUpstream.plain("the secret answer", "stop"));
        run(stage, TEAM_A, body(RESET, false));
        awaitStores(stage, 1);
        StageResult hit = run(stage, TEAM_A, body(FORGOT, false));
        assertThat(hit.cache()).isEqualTo(CacheOutcome.SEMANTIC_HIT);
        assertThat(hit.completion().choices().getFirst().message().text()).isEqualTo("the secret answer");

        // The bytes in the store: no answer text, no prompt text.
        RecordingStore recording = new RecordingStore(store);
        SemanticCacheStage spied = SemanticCacheStage.builder(embedder, recording, workers)
                .settings(stage.settings()).clock(clock()).build();
        run(spied, TEAM_B, body("what is the weather like in Paris", false));
        awaitStores(spied, 1);
        StoreEntry entry = recording.entries.getFirst();
        for (byte[] part : List.of(entry.probe(), entry.evidence(), entry.answer())) {
            assertThat(new String(part, StandardCharsets.ISO_8859_1)).doesNotContain("secret").doesNotContain("Paris")
                    .doesNotContain("weather");
        }
        assertThat(entry.partition()).doesNotContain("team").matches("[0-9a-f]{32}");
    }

    @Test
    void aWrongKeyIsAMissNotAFailure() {
        SemanticCacheStage writer = stage(SemanticCacheSettings.builder()
                .defaults(SemanticTeamSettings.builder().namespace("ns").encryptionKey(new byte[16]).build()).build());
        run(writer, TEAM_A, body(RESET, false));
        awaitStores(writer, 1);
        byte[] otherKey = new byte[16];
        otherKey[3] = 1;
        SemanticCacheStage reader = stage(SemanticCacheSettings.builder()
                .defaults(SemanticTeamSettings.builder().namespace("ns").encryptionKey(otherKey).build()).build());
        StageResult result = run(reader, TEAM_B, body(FORGOT, false));
        // Another key names other partitions and buckets: the entry is never even a candidate.
        assertThat(result.cache()).isEqualTo(CacheOutcome.MISS);
        assertThat(result.steps()).containsExactly("semantic-cache:miss");
        assertThat(upstream.calls()).isEqualTo(2);
    }

    // --- threads and failures ---

    @Test
    void embedsOnAWorkerResumesOnTheEventLoopAndSharesTheEmbedding() {
        List<String> embeddingThreads = new CopyOnWriteArrayList<>();
        ObservedEmbedder spy = new ObservedEmbedder(embedder,
                () -> embeddingThreads.add(Thread.currentThread().getName()));
        SemanticCacheStage stage = SemanticCacheStage.builder(spy, store, workers).clock(clock()).build();
        List<String> upstreamThreads = new CopyOnWriteArrayList<>();
        Exchange exchange = exchange(TEAM_A, body(RESET, false), Map.of());
        ScriptedUpstream.run(ex -> {
            upstreamThreads.add(Thread.currentThread().getName());
            return upstream.answer(ex);
        }, exchange, stage);

        assertThat(embeddingThreads).containsExactly("embedding-worker");
        assertThat(upstreamThreads).containsExactly("event-loop");
        PromptEmbedding shared = exchange.facts().promptEmbedding().get();
        assertThat(shared.modelId()).isEqualTo("all-minilm-l6-v2-q");
        assertThat(shared.vector()).containsExactly(embedder.embed(RESET));

        // A stage before it that already embedded the prompt saves the second embedding.
        Exchange again = exchange(TEAM_A, body(FORGOT, false), Map.of());
        again.facts().promptEmbedding().set(new PromptEmbedding(embedder.modelId(), embedder.embed(FORGOT)));
        awaitStores(stage, 1);
        assertThat(run(stage, again).cache())
                .isEqualTo(CacheOutcome.SEMANTIC_HIT);
        assertThat(embeddingThreads).hasSize(1);
    }

    @Test
    void redisDownPassesRequestsOnAndCounts() {
        try (RedisSemanticStore down = RedisSemanticStore.builder("redis://127.0.0.1:1")
                .connectTimeout(Duration.ofMillis(200)).build()) {
            SemanticCacheStage stage = SemanticCacheStage.builder(embedder, down, workers).clock(clock()).build();
            StageResult first = run(stage, TEAM_A, body(RESET, false));
            StageResult second = run(stage, TEAM_A, body(FORGOT, true));
            second.chunks().blockLast();

            assertThat(first.isStream()).isFalse();
            assertThat(first.completion().choices().getFirst().message().text()).isEqualTo("answer 1");
            assertThat(upstream.calls()).isEqualTo(2);
            assertThat(first.steps()).containsExactly("semantic-cache:failed-open");
            assertThat(second.steps()).containsExactly("semantic-cache:failed-open");
        }
    }

    @Test
    void aRedisStoreServesParaphrasesAndHoldsNoPromptOrAnswerText() {
        String url = dev.tiergate.cache.semantic.store.RedisTestSupport.requireRedis();
        String prefix = "tiergate-test:" + java.util.UUID.randomUUID() + ":";
        try (RedisSemanticStore redis = RedisSemanticStore.builder(url).keyPrefix(prefix)
                // generous: a loaded CI machine must not turn this behaviour test into a timing test
                .commandTimeout(Duration.ofSeconds(5)).connectTimeout(Duration.ofSeconds(5)).build()) {
            // No team key: the cache-wide key seals everything by default.
            SemanticCacheStage stage = SemanticCacheStage.builder(embedder, redis, workers).clock(clock())
                    .settings(SemanticCacheSettings.builder().defaults(SemanticTeamSettings.builder()
                            .ttl(Duration.ofSeconds(20)).build()).build())
                    .build();
            upstream.answeringStream(call -> new Answer.Stream(Flux.fromIterable(ScriptedUpstream.streamChunks(
                    "Open Settings, choose Security and click Reset password.", "stop", true))));
            run(stage, TEAM_A, body(RESET, true)).chunks().blockLast();
            awaitStores(stage, 1);
            assertNothingInClear(url, prefix, List.of("reset", "password", "Settings", "Security", "click",
                    "team-a", "choose"));
            StageResult hit = run(stage, TEAM_A, body(FORGOT, false));
            assertThat(hit.cache()).isEqualTo(CacheOutcome.SEMANTIC_HIT);
            assertThat(hit.completion().choices().getFirst().message().text())
                    .isEqualTo("Open Settings, choose Security and click Reset password.");
            assertThat(run(stage, TEAM_A, body("what is 2+3", false)).cache()).isEqualTo(CacheOutcome.MISS);
            assertThat(upstream.calls()).isEqualTo(2);
        }
    }

    @Test
    void aFullWorkerPoolOrAFailingEmbedderPassesOn() {
        SemanticCacheStage full = SemanticCacheStage.builder(embedder, store, command -> {
            throw new java.util.concurrent.RejectedExecutionException("queue full");
        }).clock(clock()).build();
        StageResult shed = run(full, TEAM_A, body(RESET, false));
        assertThat(shed.isStream()).isFalse();
        assertThat(shed.steps()).containsExactly("semantic-cache:shed");
        assertThat(shed.cache()).as("a lookup not made is a miss for the request").isEqualTo(CacheOutcome.MISS);

        SentenceEmbedder broken = new SentenceEmbedder() {
            @Override
            public String modelId() {
                return "broken";
            }

            @Override
            public int dimensions() {
                return 384;
            }

            @Override
            public float[] embed(String text) {
                throw new IllegalStateException("model crashed");
            }
        };
        SemanticCacheStage failing = SemanticCacheStage.builder(broken, store, workers).clock(clock()).build();
        StageResult failed = run(failing, TEAM_A, body(RESET, false));
        assertThat(failed.isStream()).isFalse();
        assertThat(failed.steps()).containsExactly("semantic-cache:failed-open");
        assertThat(upstream.calls()).isEqualTo(2);
    }

    // --- the lookup's deadline ---

    @Test
    void aLookupDoneInTimeIsUnchangedByItsDeadline() {
        SemanticCacheStage stage = SemanticCacheStage.builder(embedder, store, workers)
                .lookupTimeout(Duration.ofSeconds(10)).clock(clock()).build();
        assertThat(run(stage, TEAM_A, body(RESET, false)).steps()).containsExactly("semantic-cache:miss");
        awaitStores(stage, 1);
        StageResult hit = run(stage, TEAM_A, body(FORGOT, false));
        assertThat(hit.cache()).isEqualTo(CacheOutcome.SEMANTIC_HIT);
        assertThat(hit.steps()).containsExactly("semantic-cache:hit");
    }

    @Test
    void aLookupDoneInTimeCancelsItsDeadlinesTimerOnTheRequestsEventLoop() {
        List<ScheduledFuture<?>> timers = new CopyOnWriteArrayList<>();
        ScheduledThreadPoolExecutor loop = new ScheduledThreadPoolExecutor(1) {
            @Override
            public ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
                ScheduledFuture<?> timer = super.schedule(task, delay, unit);
                if (unit.toSeconds(delay) == 30) {
                    timers.add(timer);
                }
                return timer;
            }
        };
        loop.setRemoveOnCancelPolicy(true);   // as a Netty event loop: a cancelled timer leaves its queue
        try {
            SemanticCacheStage stage = SemanticCacheStage.builder(embedder, store, workers)
                    .lookupTimeout(Duration.ofSeconds(30)).clock(clock()).build();
            Exchange exchange = Exchange.of("req-1", TEAM_A, ChatRequestParser.parseChat(
                    body(RESET, false).getBytes(StandardCharsets.UTF_8)), ScriptedUpstream.directives(Map.of()),
                    loop, Deadline.in(Duration.ofSeconds(5)));

            assertThat(run(stage, exchange).steps()).containsExactly("semantic-cache:miss");

            assertThat(timers).as("the deadline's timer, on the request's event loop").hasSize(1);
            StageThreads.awaitCount(() -> timers.getFirst().isCancelled() ? 1 : 0, 1);
            assertThat(loop.getQueue()).as("nothing left waiting for the rest of the 30 s").isEmpty();
        } finally {
            loop.shutdownNow();
        }
    }

    @Test
    void aLookupNoWorkerStartedByItsDeadlineIsGivenUpAndNeverRun() {
        ObservedEmbedder counting = new ObservedEmbedder(embedder, () -> { });
        List<Runnable> held = new CopyOnWriteArrayList<>();
        SemanticCacheStage stage = SemanticCacheStage.builder(counting, store, held::add)
                .lookupTimeout(Duration.ofMillis(50)).clock(clock()).build();

        StageResult late = run(stage, TEAM_A, body(RESET, false));

        assertThat(late.steps()).containsExactly("semantic-cache:late");
        assertThat(late.cache()).as("a miss for the request, as a shed lookup").isEqualTo(CacheOutcome.MISS);
        assertThat(late.completion().choices().getFirst().message().text()).isEqualTo("answer 1");
        assertThat(held).hasSize(1);
        held.forEach(Runnable::run);   // a worker frees up after the deadline
        assertThat(counting.calls()).as("no model run for a lookup given up").isZero();
        assertThat(stage.stats().stores()).isZero();
    }

    @Test
    void aLookupStillRunningAtItsDeadlineTouchesNothingOfTheRequestWhenItEnds() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ObservedEmbedder slow = new ObservedEmbedder(embedder, () -> awaitQuietly(release));
        SemanticCacheStage stage = SemanticCacheStage.builder(slow, store, workers)
                .lookupTimeout(Duration.ofMillis(50)).clock(clock()).build();
        Exchange exchange = exchange(TEAM_A, body(RESET, false), Map.of());

        StageResult late = run(stage, exchange);
        release.countDown();
        StageThreads.awaitCount(workers::getCompletedTaskCount, 1);

        assertThat(late.steps()).containsExactly("semantic-cache:late");
        assertThat(slow.calls()).isEqualTo(1);
        assertThat(exchange.facts().semanticCache().get()).as("the deadline's miss, untouched by the late lookup")
                .isEqualTo(CacheLookup.miss());
        assertThat(stage.stats().stores()).as("nor stored the answer").isZero();
        SemanticCacheStage fast = SemanticCacheStage.builder(embedder, store, workers).clock(clock()).build();
        assertThat(run(fast, TEAM_A, body(RESET, false)).cache()).isEqualTo(CacheOutcome.MISS);
    }

    @Test
    void afterALateLookupTheNextAreShedButOneAnIntervalLater() throws Exception {
        List<Runnable> held = new CopyOnWriteArrayList<>();
        // an interval no run of this test outlasts on a loaded machine (100 ms, the default, was)
        Duration interval = Duration.ofSeconds(2);
        SemanticCacheStage stage = SemanticCacheStage.builder(embedder, store, held::add)
                .lookupTimeout(Duration.ofMillis(50)).admissionProbeInterval(interval).clock(clock()).build();

        assertThat(run(stage, TEAM_A, body(RESET, false)).steps()).containsExactly("semantic-cache:late");
        StageResult shed = run(stage, TEAM_A, body(FORGOT, false));
        assertThat(shed.steps()).containsExactly("semantic-cache:shed");
        assertThat(shed.cache()).isEqualTo(CacheOutcome.MISS);
        Thread.sleep(interval.toMillis() + 20);
        assertThat(run(stage, TEAM_A, body(FORGOT, false)).steps()).as("a probe")
                .containsExactly("semantic-cache:late");
        assertThat(held).hasSize(2);
    }

    /** Counts model runs and runs {@code beforeEachRun} first (a spy, a wait). A plain embedder: no token states. */
    private static final class ObservedEmbedder implements SentenceEmbedder {
        private final SentenceEmbedder model;
        private final Runnable beforeEachRun;
        private final AtomicInteger calls = new AtomicInteger();

        ObservedEmbedder(SentenceEmbedder model, Runnable beforeEachRun) {
            this.model = model;
            this.beforeEachRun = beforeEachRun;
        }

        int calls() {
            return calls.get();
        }

        @Override
        public String modelId() {
            return model.modelId();
        }

        @Override
        public int dimensions() {
            return model.dimensions();
        }

        @Override
        public float[] embed(String text) {
            calls.incrementAndGet();
            beforeEachRun.run();
            return model.embed(text);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void behindTheExactCacheInOnePipeline() {
        ExactCacheStage exact = ExactCacheStage.of(ExactCacheSettings.defaults());
        SemanticCacheStage semantic = stage(SemanticCacheSettings.defaultSettings());
        assertThat(upstream.run(exchange(TEAM_A, body(RESET, false), Map.of()), exact, semantic).cache())
                .isEqualTo(CacheOutcome.MISS);
        awaitStores(semantic, 1);
        assertThat(upstream.run(exchange(TEAM_A, body(RESET, false), Map.of()), exact, semantic).cache())
                .isEqualTo(CacheOutcome.HIT);
        assertThat(upstream.run(exchange(TEAM_A, body(FORGOT, false), Map.of()), exact, semantic).cache())
                .isEqualTo(CacheOutcome.SEMANTIC_HIT);
        // The exact cache does not keep a semantic hit as its own.
        assertThat(exact.stats().stores()).isEqualTo(1);
        assertThat(upstream.calls()).isEqualTo(1);
    }

    // --- helpers ---

    private SemanticCacheStage stage(SemanticCacheSettings settings) {
        return SemanticCacheStage.builder(embedder, store, workers).settings(settings).clock(clock()).build();
    }

    private static Clock clock() {
        return Clock.fixed(Instant.ofEpochSecond(NOW_SECONDS), ZoneOffset.UTC);
    }

    private StageResult run(SemanticCacheStage stage, Caller caller, String body) {
        return run(stage, exchange(caller, body, Map.of()));
    }

    private StageResult run(SemanticCacheStage stage, Exchange exchange) {
        return upstream.run(exchange, stage);
    }

    private Exchange exchange(Caller caller, String body, Map<String, String> headers) {
        return Exchange.of("req-1", caller, ChatRequestParser.parseChat(body.getBytes(StandardCharsets.UTF_8)),
                ScriptedUpstream.directives(headers), eventLoop, Deadline.in(Duration.ofSeconds(5)));
    }

    private static String body(String prompt, boolean stream) {
        return """
                {"model":"gpt-4o-mini","messages":[{"role":"system","content":"You are helpful."},
                 {"role":"user","content":"%s"}],"stream":%s}""".formatted(prompt, stream);
    }

    private static String bodyWithUsage(String prompt) {
        return body(prompt, true).replace("\"stream\":true", "\"stream\":true,\"stream_options\":{\"include_usage\":true}");
    }

    /** Stores happen on a worker after the answer: wait for the counter, not for a fixed time. */
    private static void awaitStores(SemanticCacheStage stage, long expected) {
        StageThreads.awaitCount(() -> stage.stats().stores(), expected);
    }

    /** Every key and every value under {@code prefix}, scanned: none contains any of {@code words}. */
    private static void assertNothingInClear(String url, String prefix, List<String> words) {
        io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(url);
        try (var connection = client.connect(io.lettuce.core.codec.ByteArrayCodec.INSTANCE)) {
            var redis = connection.sync();
            List<byte[]> keys = new java.util.ArrayList<>();
            io.lettuce.core.ScanIterator.scan(redis, io.lettuce.core.ScanArgs.Builder
                    .matches((prefix + "*").getBytes(StandardCharsets.UTF_8)).limit(500)).forEachRemaining(k -> {
                        if (new String(k, StandardCharsets.ISO_8859_1).startsWith(prefix)) {
                            keys.add(k);
                        }
                    });
            assertThat(keys).as("an entry, its 16 buckets and its namespace's members").hasSize(18);
            StringBuilder everything = new StringBuilder();
            for (byte[] key : keys) {
                everything.append(new String(key, StandardCharsets.ISO_8859_1)).append('\n');
                String type = redis.type(key);
                if (type.equals("hash")) {
                    redis.hgetall(key).forEach((f, v) -> everything.append(new String(f, StandardCharsets.ISO_8859_1))
                            .append('=').append(new String(v, StandardCharsets.ISO_8859_1)).append('\n'));
                } else if (type.equals("set")) {
                    redis.smembers(key).forEach(m -> everything.append(new String(m, StandardCharsets.ISO_8859_1))
                            .append('\n'));
                } else {
                    redis.zrange(key, 0, -1).forEach(m -> everything.append(new String(m, StandardCharsets.ISO_8859_1))
                            .append('\n'));
                }
            }
            String dump = everything.toString().toLowerCase(java.util.Locale.ROOT);
            for (String word : words) {
                assertThat(dump).as("stored bytes").doesNotContain(word.toLowerCase(java.util.Locale.ROOT));
            }
        } finally {
            client.shutdown();
        }
    }

    private static Caller caller(String team) {
        return new Caller(new TeamConfig(team, List.of(), Set.of("*"), null, Map.of()), "key-" + team);
    }

    /** A store that keeps what is written to it, then passes it on. */
    private static final class RecordingStore implements SemanticStore {
        final List<StoreEntry> entries = new CopyOnWriteArrayList<>();
        private final SemanticStore delegate;

        RecordingStore(SemanticStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public CompletionStage<List<StoredProbe>> candidates(String partition, int[] buckets, int max) {
            return delegate.candidates(partition, buckets, max);
        }

        @Override
        public CompletionStage<List<byte[]>> read(String partition, List<String> ids, EntryPart part) {
            return delegate.read(partition, ids, part);
        }

        @Override
        public CompletionStage<Void> put(StoreEntry entry) {
            entries.add(entry);
            return CompletableFuture.completedFuture(null).thenCompose(ignored -> delegate.put(entry));
        }

        @Override
        public CompletionStage<List<dev.tiergate.cache.semantic.store.StoredEntryInfo>> entries(String group, int max) {
            return delegate.entries(group, max);
        }

        @Override
        public CompletionStage<Integer> invalidate(String group) {
            return delegate.invalidate(group);
        }

        @Override
        public CompletionStage<Boolean> invalidate(String group, String id) {
            return delegate.invalidate(group, id);
        }

        @Override
        public String kind() {
            return "recording";
        }
    }
}
