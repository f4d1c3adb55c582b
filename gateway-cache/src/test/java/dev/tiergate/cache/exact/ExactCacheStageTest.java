package dev.tiergate.cache.exact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.tiergate.cache.testing.ScriptedUpstream;
import dev.tiergate.cache.testing.StageResult;
import dev.tiergate.core.config.TeamConfig;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.model.ChatRequestParser;
import dev.tiergate.core.model.Message;
import dev.tiergate.core.model.ToolCall;
import dev.tiergate.core.pipeline.CacheOutcome;
import dev.tiergate.core.pipeline.Caller;
import dev.tiergate.core.pipeline.Exchange;
import dev.tiergate.core.pipeline.CacheLookup;
import dev.tiergate.core.pipeline.Served;
import dev.tiergate.core.pipeline.Terminal;
import dev.tiergate.core.pipeline.Deadline;
import dev.tiergate.core.pipeline.Answer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

class ExactCacheStageTest {
    private static final String HELLO = """
            {"model":"gpt-4o-mini","messages":[{"role":"user","content":"hello"}],"temperature":0}""";
    private static final String HELLO_STREAM = """
            {"model":"gpt-4o-mini","messages":[{"role":"user","content":"hello"}],"temperature":0,"stream":true}""";
    private static final String HELLO_STREAM_USAGE = """
            {"model":"gpt-4o-mini","messages":[{"role":"user","content":"hello"}],"temperature":0,"stream":true,
             "stream_options":{"include_usage":true}}""";
    private static final Caller TEAM_A = caller("team-a");
    private static final Caller TEAM_B = caller("team-b");
    private static final Caller TEAM_C = caller("team-c");
    private static final long NOW_SECONDS = 1_800_000_000L;

    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    private final FakeTicker ticker = new FakeTicker();
    private final ScriptedUpstream upstream = new ScriptedUpstream();

    @AfterEach
    void shutdown() {
        executor.shutdownNow();
    }

    // --- the four combinations of stream and plain ---

    @Test
    void plainMissThenPlainHit() {
        ExactCacheStage stage = stage(ExactCacheSettings.defaults());
        StageResult first = run(stage, HELLO);
        StageResult second = run(stage, HELLO);

        assertThat(upstream.calls()).isEqualTo(1);
        assertThat(first.cache()).isEqualTo(CacheOutcome.MISS);
        assertThat(second.cache()).isEqualTo(CacheOutcome.HIT);
        assertThat(second.served().provider()).isEqualTo("fake");
        assertThat(second.served().model()).isEqualTo("fake-model-2025");
        assertThat(second.served().tier()).isEqualTo("small");
        assertThat(second.lookup().ageSeconds()).isEqualTo(0L);
        ChatCompletion hit = second.completion();
        assertThat(hit.choices().getFirst().message().text()).isEqualTo("answer 1");
        assertThat(hit.id()).startsWith("chatcmpl-").isNotEqualTo("chatcmpl-upstream");
        assertThat(hit.created()).isEqualTo(NOW_SECONDS);
        assertThat(hit.usage().promptTokens()).isEqualTo(11);
        assertThat(hit.usage().completionTokens()).isEqualTo(7);
        ChatCompletion third = run(stage, HELLO).completion();
        assertThat(third.id()).isNotEqualTo(hit.id());
        assertThat(first.steps()).containsExactly("exact-cache:miss");
        assertThat(second.steps()).containsExactly("exact-cache:hit");
        assertThat(stage.stats().stores()).isEqualTo(1);
    }

    @Test
    void streamMissThenStreamHitReplaysTheRecordedChunksUnderAFreshId() {
        ExactCacheStage stage = stage(ExactCacheSettings.defaults());
        StageResult first = run(stage, HELLO_STREAM_USAGE);
        assertThat(first.cache()).isEqualTo(CacheOutcome.MISS);
        List<ChatChunk> original = first.chunks().collectList().block();

        StageResult second = run(stage, HELLO_STREAM_USAGE);
        List<ChatChunk> replayed = second.chunks().collectList().block();

        assertThat(upstream.calls()).isEqualTo(1);
        assertThat(second.cache()).isEqualTo(CacheOutcome.HIT);
        assertThat(replayed).hasSameSizeAs(original);
        assertThat(replayed).extracting(ChatChunk::id).containsOnly(replayed.getFirst().id())
                .doesNotContain("chatcmpl-upstream");
        assertThat(replayed).extracting(ChatChunk::created).containsOnly(NOW_SECONDS);
        assertThat(ScriptedUpstream.text(replayed)).isEqualTo("answer 1");
        assertThat(replayed).extracting(ChatChunk::choices).extracting(List::size).containsExactly(1, 1, 1, 1, 0);
        assertThat(replayed.getLast().usage().totalTokens()).isEqualTo(18);
    }

    @Test
    void streamMissThenPlainHitServesTheAggregate() {
        ExactCacheStage stage = stage(ExactCacheSettings.defaults());
        drain(run(stage, HELLO_STREAM_USAGE));
        StageResult hit = run(stage, HELLO);

        assertThat(upstream.calls()).isEqualTo(1);
        assertThat(hit.cache()).isEqualTo(CacheOutcome.HIT);
        ChatCompletion.Choice choice = hit.completion().choices().getFirst();
        assertThat(choice.message().role()).isEqualTo("assistant");
        assertThat(choice.message().text()).isEqualTo("answer 1");
        assertThat(choice.finishReason()).isEqualTo("stop");
        assertThat(hit.completion().object()).isEqualTo(ChatCompletion.OBJECT);
        assertThat(hit.completion().model()).isEqualTo("fake-model-2025");
        assertThat(hit.completion().usage().totalTokens()).isEqualTo(18);
    }

    @Test
    void plainMissThenStreamHitGetsChunksMadeFromTheAggregate() {
        ExactCacheStage stage = stage(ExactCacheSettings.defaults());
        run(stage, HELLO);

        // Every stream carries the usage chunk last; the server hides it from clients that did not ask.
        StageResult hit = run(stage, HELLO_STREAM);
        List<ChatChunk> chunks = hit.chunks().collectList().block();
        assertThat(hit.cache()).isEqualTo(CacheOutcome.HIT);
        assertThat(chunks).hasSize(4);
        assertThat(chunks.getFirst().choices().getFirst().delta().role()).isEqualTo("assistant");
        assertThat(ScriptedUpstream.text(chunks)).isEqualTo("answer 1");
        assertThat(chunks.get(2).finishReason()).isEqualTo("stop");
        assertThat(chunks.subList(0, 3)).extracting(ChatChunk::usage).containsOnlyNulls();
        assertThat(chunks).extracting(ChatChunk::object).containsOnly(ChatChunk.OBJECT);
        assertThat(chunks.getLast().choices()).isEmpty();
        assertThat(chunks.getLast().usage().promptTokens()).isEqualTo(11);
        assertThat(upstream.calls()).isEqualTo(1);
    }

    @Test
    void aRecordedUsageChunkIsReplayedOnce() {
        ExactCacheStage stage = stage(ExactCacheSettings.defaults());
        drain(run(stage, HELLO_STREAM_USAGE));
        List<ChatChunk> replayed = run(stage, HELLO_STREAM).chunks().collectList().block();
        assertThat(replayed).hasSize(5);
        assertThat(replayed.stream().filter(chunk -> chunk.usage() != null)).hasSize(1);
    }

    @Test
    void toolCallFragmentsAreJoinedByIndex() {
        upstream.answeringStream(call -> new Answer.Stream(Flux.just(
                ScriptedUpstream.chunk(new ChatChunk.Delta("assistant", null, List.of(
                        new ToolCall(0, "call_1", "function", new ToolCall.FunctionCall("weather", "")),
                        new ToolCall(1, "call_2", "function", new ToolCall.FunctionCall("time", "{}"))),
                        Map.of()), null),
                ScriptedUpstream.chunk(new ChatChunk.Delta(null, null, List.of(
                        new ToolCall(0, null, null, new ToolCall.FunctionCall(null, "{\"city\":"))), Map.of()), null),
                ScriptedUpstream.chunk(new ChatChunk.Delta(null, null, List.of(
                        new ToolCall(0, null, null, new ToolCall.FunctionCall(null, "\"Oslo\"}"))), Map.of()), null),
                ScriptedUpstream.chunk(new ChatChunk.Delta(null, null, null, Map.of()), "tool_calls"))));
        ExactCacheStage stage = stage(ExactCacheSettings.defaults());
        drain(run(stage, HELLO_STREAM));
        StageResult hit = run(stage, HELLO);

        ChatCompletion.Choice choice = hit.completion().choices().getFirst();
        assertThat(choice.finishReason()).isEqualTo("tool_calls");
        assertThat(choice.message().content()).isNull();
        assertThat(choice.message().toolCalls()).containsExactly(
                ToolCall.function("call_1", "weather", "{\"city\":\"Oslo\"}"),
                ToolCall.function("call_2", "time", "{}"));
    }

    @Test
    void aPlainToolCallAnswerReplayedAsAStreamOpensEachCallThenBringsItsArguments() {
        Message answer = new Message("assistant", null, null, List.of(
                ToolCall.function("call_1", "weather", "{\"city\":\"Oslo\"}"),
                ToolCall.function("call_2", "time", "")), null, Map.of());
        upstream.answeringPlain(call -> completeWith(answer, "tool_calls"));
        ExactCacheStage stage = stage(ExactCacheSettings.defaults());
        run(stage, HELLO);

        List<ChatChunk> chunks = run(stage, HELLO_STREAM).chunks().collectList().block();

        assertThat(chunks).map(c -> c.choices().isEmpty() ? null : c.choices().getFirst().delta().toolCalls())
                .containsExactly(null,
                        List.of(new ToolCall(0, "call_1", "function", new ToolCall.FunctionCall("weather", ""))),
                        List.of(new ToolCall(0, null, null, new ToolCall.FunctionCall(null, "{\"city\":\"Oslo\"}"))),
                        List.of(new ToolCall(1, "call_2", "function", new ToolCall.FunctionCall("time", ""))),
                        null, null);
        assertThat(chunks.getFirst().choices().getFirst().delta().role()).isEqualTo("assistant");
        assertThat(chunks.getFirst().choices().getFirst().delta().content()).isNull();
        assertThat(chunks.get(4).finishReason()).isEqualTo("tool_calls");
    }

    @Test
    void aLegacyFunctionCallIsReplayedAsAStreamAndAggregatedFromOne() {
        var functionCall = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
                .put("name", "weather").put("arguments", "{\"city\":\"Oslo\"}");
        upstream.answeringPlain(call -> completeWith(new Message("assistant", null, null, null, null,
                Map.of("function_call", functionCall)), "function_call"));
        ExactCacheStage plainFirst = stage(ExactCacheSettings.defaults());
        run(plainFirst, HELLO);

        List<ChatChunk> chunks = run(plainFirst, HELLO_STREAM).chunks().collectList().block();

        assertThat(chunks.subList(1, 3)).map(c -> c.choices().getFirst().delta().extra().get("function_call").toString())
                .containsExactly("{\"name\":\"weather\",\"arguments\":\"\"}", "{\"arguments\":\"{\\\"city\\\":\\\"Oslo\\\"}\"}");
        assertThat(chunks.get(3).finishReason()).isEqualTo("function_call");
        // the same chunks recorded from a stream give the plain answer back
        upstream.answeringStream(call -> new Answer.Stream(Flux.fromIterable(chunks)));
        ExactCacheStage streamFirst = stage(ExactCacheSettings.defaults());
        drain(run(streamFirst, HELLO_STREAM));
        Message aggregated = run(streamFirst, HELLO).completion().choices().getFirst().message();
        assertThat(aggregated.content()).isNull();
        assertThat(aggregated.extra().get("function_call")).isEqualTo(functionCall);
    }

    private static Answer completeWith(Message message, String finishReason) {
        return new Answer.Complete(new ChatCompletion("chatcmpl-upstream", ChatCompletion.OBJECT, 1_700_000_000L,
                "fake-model-2025", List.of(new ChatCompletion.Choice(0, message, finishReason, Map.of())),
                dev.tiergate.core.model.Usage.of(11, 7), null, Map.of()));
    }

    // --- the key ---

    @Test
    void reorderedKeysAndWhitespaceInToolsAndExtraHit() {
        ExactCacheStage stage = stage(ExactCacheSettings.defaults());
        run(stage, """
                {"model":"gpt-4o-mini","messages":[{"role":"user","content":"weather?"}],"temperature":0,
                 "tools":[{"type":"function","function":{"name":"weather","parameters":
                   {"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string"}}}}}],
                 "metadata":{"a":1,"b":{"x":true,"y":[1,2]}},"logit_bias":{"50256":-100}}""");
        StageResult reordered = run(stage, """
                { "logit_bias" : { "50256" : -100.0 },
                  "metadata" : { "b" : { "y" : [ 1, 2 ], "x" : true }, "a" : 1 },
                  "tools" : [ { "function" : { "parameters" : { "properties" : { "unit" : { "type" : "string" },
                      "city" : { "type" : "string" } }, "type" : "object" }, "name" : "weather" },
                      "type" : "function" } ],
                  "temperature" : 0.0, "messages" : [ { "content" : "weather?", "role" : "user" } ],
                  "model" : "gpt-4o-mini" }""");
        assertThat(reordered.cache()).isEqualTo(CacheOutcome.HIT);
        assertThat(upstream.calls()).isEqualTo(1);
    }

    @Test
    void userAndStreamOptionsDoNotChangeTheKey() {
        ExactCacheStage stage = stage(ExactCacheSettings.defaults());
        run(stage, HELLO);
        StageResult hit = run(stage, """
                {"model":"gpt-4o-mini","messages":[{"role":"user","content":"hello"}],"temperature":0,
                 "user":"someone-else","stream":false}""");
        assertThat(hit.cache()).isEqualTo(CacheOutcome.HIT);
    }

    @Test
    void aChangedParameterMisses() {
        ExactCacheStage stage = stage(ExactCacheSettings.defaults());
        run(stage, HELLO);
        List<String> variants = List.of(
                HELLO.replace("\"temperature\":0", "\"temperature\":0.2"),
                HELLO.replace("gpt-4o-mini", "gpt-4o"),
                HELLO.replace("hello", "hello!"),
                HELLO.replace("\"user\"", "\"system\""),
                withParam("\"max_tokens\":10"),
                withParam("\"max_completion_tokens\":10"),
                withParam("\"tool_choice\":\"none\""),
                withParam("\"seed\":7"),
                withParam("\"top_p\":0.5"),
                withParam("\"stop\":[\"\\n\"]"),
                withParam("\"n\":2"),
                withParam("\"response_format\":{\"type\":\"json_object\"}"),
                withParam("\"presence_penalty\":1"));
        for (String variant : variants) {
            assertThat(run(stage, variant).cache()).as(variant).isEqualTo(CacheOutcome.MISS);
        }
        assertThat(upstream.calls()).isEqualTo(1 + variants.size());
    }

    // --- what is never stored ---

    @Test
    void anErroredStreamIsNotStored() {
        upstream.answeringStream(call -> new Answer.Stream(
                Flux.fromIterable(ScriptedUpstream.streamChunks("half an answ", "stop", false).subList(0, 3))
                        .concatWith(Flux.error(new IllegalStateException("upstream reset")))));
        ExactCacheStage stage = stage(ExactCacheSettings.defaults());
        StageResult first = run(stage, HELLO_STREAM);
        assertThatThrownBy(() -> first.chunks().collectList().block()).hasMessageContaining("upstream reset");

        assertThat(run(stage, HELLO).cache()).isEqualTo(CacheOutcome.MISS);
        assertThat(stage.stats().stores()).isEqualTo(1);
        assertThat(stage.stats().rejected()).isEqualTo(1);
    }

    @Test
    void aStreamThatEndsWithoutAFinishReasonIsNotStored() {
        upstream.answeringStream(call -> new Answer.Stream(
                Flux.fromIterable(ScriptedUpstream.streamChunks("truncated", "stop", false).subList(0, 3))));
        ExactCacheStage stage = stage(ExactCacheSettings.defaults());
        drain(run(stage, HELLO_STREAM));
        assertThat(run(stage, HELLO_STREAM).cache()).isEqualTo(CacheOutcome.MISS);
        assertThat(upstream.calls()).isEqualTo(2);
        assertThat(stage.stats().stores()).isZero();
        assertThat(stage.stats().rejected()).isEqualTo(1);
    }

    @Test
    void aCancelledStreamIsNotStored() {
        ExactCacheStage stage = stage(ExactCacheSettings.defaults());
        List<ChatChunk> firstTwo = run(stage, HELLO_STREAM).chunks().take(2)
                .collectList().block();
        assertThat(firstTwo).hasSize(2);
        assertThat(run(stage, HELLO_STREAM).cache()).isEqualTo(CacheOutcome.MISS);
        assertThat(stage.stats().stores()).isZero();
    }

    @Test
    void aStreamLargerThanTheEntryCapIsPassedOnButNotStored() {
        String big = "x".repeat(20_000);
        upstream.answeringStream(call -> new Answer.Stream(
                Flux.fromIterable(ScriptedUpstream.streamChunks(big, "stop", false))));
        ExactCacheStage stage = stage(ExactCacheSettings.builder().maxEntryBytes(10_000).build());
        List<ChatChunk> chunks = run(stage, HELLO_STREAM).chunks().collectList().block();
        assertThat(ScriptedUpstream.text(chunks)).isEqualTo(big);
        assertThat(run(stage, HELLO_STREAM).cache()).isEqualTo(CacheOutcome.MISS);
        assertThat(stage.stats().stores()).isZero();
    }

    @Test
    void contentFilterIsNotStoredPlainOrStreamed() {
        upstream.answeringPlain(call -> ScriptedUpstream.plain("filtered", "content_filter"))
                .answeringStream(call -> new Answer.Stream(
                        Flux.fromIterable(ScriptedUpstream.streamChunks("filtered", "content_filter", true))));
        ExactCacheStage stage = stage(ExactCacheSettings.defaults());
        run(stage, HELLO);
        drain(run(stage, HELLO_STREAM));
        assertThat(run(stage, HELLO).cache()).isEqualTo(CacheOutcome.MISS);
        assertThat(upstream.calls()).isEqualTo(3);
        assertThat(stage.stats().stores()).isZero();
    }

    @Test
    void lengthIsStored() {
        upstream.answeringPlain(call -> ScriptedUpstream.plain("cut at max_tokens", "length"));
        ExactCacheStage stage = stage(ExactCacheSettings.defaults());
        run(stage, HELLO);
        assertThat(run(stage, HELLO).cache()).isEqualTo(CacheOutcome.HIT);
    }

    // --- teams ---

    @Test
    void teamsAreIsolated() {
        ExactCacheStage stage = stage(ExactCacheSettings.defaults());
        run(stage, exchange(TEAM_A, HELLO, Map.of()));
        assertThat(run(stage, exchange(TEAM_B, HELLO, Map.of())).cache()).isEqualTo(CacheOutcome.MISS);
        assertThat(run(stage, exchange(TEAM_A, HELLO, Map.of())).cache()).isEqualTo(CacheOutcome.HIT);
        assertThat(upstream.calls()).isEqualTo(2);
    }

    @Test
    void teamsNamingTheSameNamespaceShareEntries() {
        ExactCacheStage stage = stage(ExactCacheSettings.builder()
                .namespaces(Map.of("team-a", "shared", "team-b", "shared")).build());
        run(stage, exchange(TEAM_A, HELLO, Map.of()));
        assertThat(run(stage, exchange(TEAM_B, HELLO, Map.of())).cache()).isEqualTo(CacheOutcome.HIT);
        assertThat(run(stage, exchange(TEAM_C, HELLO, Map.of())).cache()).isEqualTo(CacheOutcome.MISS);
    }

    @Test
    void aTeamCalledLikeAnotherTeamsNamespaceDoesNotReadIt() {
        ExactCacheStage stage = stage(ExactCacheSettings.builder().namespaces(Map.of("team-a", "team-b")).build());
        run(stage, exchange(TEAM_A, HELLO, Map.of()));
        // team-b has no mapping, so its namespace is its id: the same as team-a chose to name.
        assertThat(run(stage, exchange(TEAM_B, HELLO, Map.of())).cache()).isEqualTo(CacheOutcome.HIT);
        assertThat(run(stage, exchange(TEAM_C, HELLO, Map.of())).cache()).isEqualTo(CacheOutcome.MISS);
    }

    // --- time and size ---

    @Test
    void entriesExpireAfterTheTeamsTtlAndReportTheirAge() {
        ExactCacheStage stage = stage(ExactCacheSettings.builder()
                .defaultTtl(Duration.ofMinutes(10))
                .teamTtls(Map.of("team-b", Duration.ofMinutes(1)))
                .build());
        run(stage, exchange(TEAM_A, HELLO, Map.of()));
        run(stage, exchange(TEAM_B, HELLO, Map.of()));

        ticker.advance(Duration.ofSeconds(59));
        StageResult a = run(stage, exchange(TEAM_A, HELLO, Map.of()));
        assertThat(a.cache()).isEqualTo(CacheOutcome.HIT);
        assertThat(a.lookup().ageSeconds()).isEqualTo(59L);
        assertThat(run(stage, exchange(TEAM_B, HELLO, Map.of())).cache()).isEqualTo(CacheOutcome.HIT);

        ticker.advance(Duration.ofSeconds(2));
        assertThat(run(stage, exchange(TEAM_B, HELLO, Map.of())).cache()).isEqualTo(CacheOutcome.MISS);
        assertThat(run(stage, exchange(TEAM_A, HELLO, Map.of())).cache()).isEqualTo(CacheOutcome.HIT);

        ticker.advance(Duration.ofMinutes(10));
        assertThat(run(stage, exchange(TEAM_A, HELLO, Map.of())).cache()).isEqualTo(CacheOutcome.MISS);
        assertThat(stage.stats().expirations()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aZeroTtlTurnsStoringOffForATeam() {
        ExactCacheStage stage = stage(ExactCacheSettings.builder().teamTtls(Map.of("team-a", Duration.ZERO)).build());
        run(stage, HELLO);
        assertThat(run(stage, HELLO).cache()).isEqualTo(CacheOutcome.MISS);
    }

    @Test
    void theCacheStaysWithinItsSizeByEvicting() {
        long maxBytes = 200_000;
        String big = "y".repeat(40_000); // about 40 kB an entry (Latin-1 text: a byte a character)
        upstream.answeringPlain(call -> ScriptedUpstream.plain(big + call, "stop"));
        ExactCacheStage stage = stage(ExactCacheSettings.builder().maxSizeBytes(maxBytes).build());
        for (int i = 0; i < 20; i++) {
            run(stage, HELLO.replace("hello", "hello " + i));
        }
        ExactCacheStats stats = stage.stats();
        assertThat(stats.stores()).isEqualTo(20);
        assertThat(stats.evictions()).isGreaterThanOrEqualTo(15);
        assertThat(stats.bytes()).isPositive().isLessThanOrEqualTo(maxBytes);
        assertThat(stats.entries()).isBetween(1L, 5L);
    }

    // --- headers and policy ---

    @Test
    void noCacheAndCacheOffBypassLookupAndStore() {
        ExactCacheStage stage = stage(ExactCacheSettings.defaults());
        run(stage, HELLO);
        for (Map<String, String> headers : List.of(Map.of("cache-control", "no-cache"),
                Map.of("cache-control", "max-age=0, No-Cache"), Map.of("x-tiergate-cache", "off"))) {
            StageResult result = run(stage, exchange(TEAM_A, HELLO, headers));
            assertThat(result.cache()).as(headers.toString()).isEqualTo(CacheOutcome.BYPASS);
        }
        assertThat(upstream.calls()).isEqualTo(4);
        StageResult hit = run(stage, HELLO);
        assertThat(hit.completion().choices().getFirst().message().text()).isEqualTo("answer 1");

        StageResult bypassedFresh = run(stage, exchange(TEAM_A, HELLO.replace("hello", "new"),
                Map.of("x-tiergate-cache", "off")));
        assertThat(bypassedFresh.cache()).isEqualTo(CacheOutcome.BYPASS);
        assertThat(run(stage, HELLO.replace("hello", "new")).cache()).isEqualTo(CacheOutcome.MISS);
    }

    @Test
    void noStoreReadsButNeverStores() {
        ExactCacheStage stage = stage(ExactCacheSettings.defaults());
        Map<String, String> noStore = Map.of("cache-control", "no-store");
        assertThat(run(stage, exchange(TEAM_A, HELLO, noStore)).cache()).isEqualTo(CacheOutcome.MISS);
        drain(run(stage, exchange(TEAM_A, HELLO_STREAM, noStore)));
        assertThat(run(stage, HELLO).cache()).isEqualTo(CacheOutcome.MISS);
        assertThat(run(stage, exchange(TEAM_A, HELLO, noStore)).cache()).isEqualTo(CacheOutcome.HIT);
        assertThat(stage.stats().stores()).isEqualTo(1);
    }

    @Test
    void samplingRequestsAreCachedByDefaultAndBypassedWhenTheTeamSaysNo() {
        String sampling = HELLO.replace("\"temperature\":0", "\"temperature\":0.8");
        String seeded = HELLO.replace("\"temperature\":0", "\"temperature\":0.8,\"seed\":42");
        String defaultTemperature = HELLO.replace(",\"temperature\":0", "");

        ExactCacheStage byDefault = stage(ExactCacheSettings.defaults());
        run(byDefault, sampling);
        assertThat(run(byDefault, sampling).cache()).isEqualTo(CacheOutcome.HIT);

        ExactCacheStage strict = stage(ExactCacheSettings.builder()
                .cacheNonDeterministic(caller -> !caller.teamId().equals("team-a")).build());
        run(strict, sampling);
        assertThat(run(strict, sampling).cache()).isEqualTo(CacheOutcome.BYPASS);
        assertThat(run(strict, defaultTemperature).cache()).isEqualTo(CacheOutcome.BYPASS);
        run(strict, seeded);
        assertThat(run(strict, seeded).cache()).isEqualTo(CacheOutcome.HIT);
        run(strict, HELLO);
        assertThat(run(strict, HELLO).cache()).isEqualTo(CacheOutcome.HIT);
        run(strict, exchange(TEAM_B, sampling, Map.of()));
        assertThat(run(strict, exchange(TEAM_B, sampling, Map.of())).cache()).isEqualTo(CacheOutcome.HIT);
    }

    @Test
    void anAnswerALaterCacheGaveIsNotStored() {
        ExactCacheStage stage = stage(ExactCacheSettings.defaults());
        Terminal laterCache = exchange -> {
            exchange.facts().semanticCache().set(CacheLookup.semanticHit(5, 0.95));
            exchange.facts().served().set(Served.fromCache("fake", "fake-model-2025", "small"));
            return CompletableFuture.completedFuture(ScriptedUpstream.plain("similar", "stop"));
        };
        assertThat(ScriptedUpstream.run(laterCache, exchange(TEAM_A, HELLO, Map.of()), stage).cache())
                .isEqualTo(CacheOutcome.SEMANTIC_HIT);
        assertThat(ScriptedUpstream.run(laterCache, exchange(TEAM_A, HELLO, Map.of()), stage).cache())
                .isEqualTo(CacheOutcome.SEMANTIC_HIT);
        assertThat(stage.stats().stores()).isZero();
    }

    @Test
    void describesItselfAsAFailOpenStage() {
        ExactCacheStage stage = stage(ExactCacheSettings.defaults());
        assertThat(stage.name()).isEqualTo("exact-cache");
        assertThat(stage.failurePolicy()).isEqualTo(dev.tiergate.core.pipeline.FailurePolicy.FAIL_OPEN);
    }

    @Test
    void settingsRejectNonsense() {
        assertThatThrownBy(() -> ExactCacheSettings.builder().maxSizeMb(0))
                .hasMessage("max-size-mb: 0 (expected: > 0)");
        assertThatThrownBy(() -> ExactCacheSettings.builder().defaultTtl(Duration.ofSeconds(-1)))
                .hasMessage("ttl: PT-1S (expected: > 0)");
        assertThat(ExactCacheSettings.builder().maxSizeMb(2).build().maxSizeBytes()).isEqualTo(2L * 1024 * 1024);
    }

    // --- helpers ---

    @Test
    void anAdminListsAndInvalidatesOneNamespaceOnly() {
        ExactCacheStage stage = stage(ExactCacheSettings.defaults());
        run(stage, exchange(TEAM_A, HELLO, Map.of()));
        run(stage, exchange(TEAM_A, withParam("\"seed\":7"), Map.of()));
        run(stage, exchange(TEAM_B, HELLO, Map.of()));
        ticker.advance(Duration.ofSeconds(5));

        var listed = stage.entries("team-a", 10);
        assertThat(listed).hasSize(2).allSatisfy(entry -> {
            assertThat(entry.namespace()).isEqualTo("team-a");
            assertThat(entry.model()).isEqualTo("fake-model-2025");
            assertThat(entry.provider()).isEqualTo("fake");
            assertThat(entry.id()).hasSize(64);
            assertThat(entry.storedAt()).isEqualTo(Instant.ofEpochSecond(NOW_SECONDS).minusSeconds(5));
            assertThat(entry.expiresAt()).isEqualTo(entry.storedAt().plus(Duration.ofHours(1)));
        });
        assertThat(stage.entries("team-a", 1)).hasSize(1);
        String one = listed.getFirst().id();
        assertThat(stage.invalidate("team-b", one)).isFalse();
        assertThat(stage.invalidate("team-a", one)).isTrue();
        assertThat(stage.entries("team-a", 10)).extracting(e -> e.id()).doesNotContain(one).hasSize(1);

        assertThat(stage.invalidate("team-a")).isEqualTo(1);
        assertThat(stage.entries("team-a", 10)).isEmpty();
        assertThat(run(stage, exchange(TEAM_A, HELLO, Map.of())).cache()).isEqualTo(CacheOutcome.MISS);
        assertThat(run(stage, exchange(TEAM_B, HELLO, Map.of())).cache()).isEqualTo(CacheOutcome.HIT);
    }

    private ExactCacheStage stage(ExactCacheSettings settings) {
        return ExactCacheStage.builder(settings)
                .ticker(ticker)
                .clock(Clock.fixed(Instant.ofEpochSecond(NOW_SECONDS), ZoneOffset.UTC))
                .build();
    }

    private StageResult run(ExactCacheStage stage, String body) {
        return run(stage, exchange(TEAM_A, body, Map.of()));
    }

    private StageResult run(ExactCacheStage stage, Exchange exchange) {
        return upstream.run(exchange, stage);
    }

    /** HELLO with one more top-level field, e.g. {@code \"seed\":7}. */
    private static String withParam(String field) {
        return HELLO.replace("\"temperature\":0", "\"temperature\":0," + field);
    }

    private Exchange exchange(Caller caller, String body, Map<String, String> headers) {
        return Exchange.of("req-1", caller, ChatRequestParser.parseChat(body.getBytes(StandardCharsets.UTF_8)),
                ScriptedUpstream.directives(headers), executor, Deadline.in(Duration.ofSeconds(5)));
    }

    private static void drain(StageResult result) {
        result.chunks().blockLast();
    }

    private static Caller caller(String team) {
        return new Caller(new TeamConfig(team, List.of(), Set.of("*"), null, Map.of()), "key-" + team);
    }

    /** A Caffeine ticker moved by hand. */
    private static final class FakeTicker implements Ticker {
        private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

        @Override
        public long read() {
            return nanos.get();
        }

        void advance(Duration duration) {
            nanos.addAndGet(duration.toNanos());
        }
    }
}
