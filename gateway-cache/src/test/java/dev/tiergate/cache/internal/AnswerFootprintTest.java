package dev.tiergate.cache.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tiergate.core.json.Json;
import dev.tiergate.core.memory.ByteBudget;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ChatCompletion;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.GraphLayout;

/**
 * The caches' weigher against a heap walker (JOL): for answers of several shapes, what
 * {@link AnswerFootprint} says an answer holds must be within 10% of what a second
 * copy of it adds to the heap (the first copy's graph also holds what all answers share: field
 * names, the JVM's shared instances).
 */
class AnswerFootprintTest {
    static {
        // records' field offsets are not given out by Unsafe; JOL finds them by probing
        System.setProperty("jol.magicFieldOffset", "true");
    }

    private static final ObjectMapper JSON = Json.mapper();

    private static final String BENCH_MOCK = """
            {"id":"chatcmpl-bench0000000000000000000001","object":"chat.completion","created":1764720000,
             "model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant",
             "content":"The capital of France is Paris, the political, economic and cultural centre of the country for centuries.",
             "refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":28,
             "completion_tokens":21,"total_tokens":49,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},
             "completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,
             "rejected_prediction_tokens":0}},"service_tier":"default","system_fingerprint":"fp_bench0001"}
            """;

    private static final String TOOL_CALLS = """
            {"id":"chatcmpl-tools","object":"chat.completion","created":1764720001,"model":"gpt-4o",
             "choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[
               {"id":"call_abc123","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}},
               {"id":"call_def456","type":"function","function":{"name":"get_time","arguments":"{\\"zone\\":\\"Europe/Paris\\"}"}},
               {"id":"call_ghi789","type":"function","function":{"name":"get_news","arguments":"{}"}}]},
             "finish_reason":"tool_calls"}],"usage":{"prompt_tokens":1280,"completion_tokens":640,"total_tokens":1920}}
            """;

    private static final String NOT_LATIN1 = """
            {"id":"chatcmpl-zh","object":"chat.completion","created":1764720002,"model":"gpt-4o-mini",
             "choices":[{"index":0,"message":{"role":"assistant","content":"巴黎是法国的首都，几个世纪以来一直是该国的政治、经济和文化中心。🇫🇷"},
             "finish_reason":"stop"}],"usage":{"prompt_tokens":30,"completion_tokens":44,"total_tokens":74}}
            """;

    private static final String LOGPROBS_AND_LONG = """
            {"id":"chatcmpl-lp","object":"chat.completion","created":1764720003,"model":"gpt-4o-mini",
             "choices":[{"index":0,"message":{"role":"assistant","content":"%s"},"logprobs":{"content":[
               {"token":"Paris","logprob":-0.0012,"bytes":[80,97,114,105,115],"top_logprobs":[]},
               {"token":" is","logprob":-0.25,"bytes":[32,105,115],"top_logprobs":[]}]},
             "finish_reason":"length"}],"usage":{"prompt_tokens":12,"completion_tokens":1000,"total_tokens":1012},
             "service_tier":"default","system_fingerprint":"fp_44709d6fcb","x_extra":{"a":[1,2,3],"b":"text"}}
            """.formatted("lorem ipsum dolor sit amet ".repeat(150));

    static List<String> completions() {
        return List.of(BENCH_MOCK, TOOL_CALLS, NOT_LATIN1, LOGPROBS_AND_LONG);
    }

    @ParameterizedTest
    @MethodSource("completions")
    void aCompletionWeighsWhatItHoldsOnTheHeap(String body) throws Exception {
        ChatCompletion first = JSON.readValue(body, ChatCompletion.class);
        ChatCompletion second = JSON.readValue(body, ChatCompletion.class);

        long measured = marginal(first, second);
        long estimated = AnswerFootprint.of(second);

        assertThat(estimated).as("estimated vs measured %d", measured)
                .isBetween(measured * 9 / 10, measured * 11 / 10);
    }

    static List<String> streams() {
        String frame = """
                {"id":"chatcmpl-bench0000000000000000000002","object":"chat.completion.chunk","created":1764720000,
                 "model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_bench0001","choices":[{"index":0,
                 "delta":%s,"logprobs":null,"finish_reason":%s}]}""";
        List<String> bench = new ArrayList<>();
        bench.add(frame.formatted("{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}", "null"));
        for (String part : List.of("The capital", " of France", " is Paris,", " the political,", " economic and",
                " cultural centre", " of the country", " for centuries.")) {
            bench.add(frame.formatted("{\"content\":\"" + part + "\"}", "null"));
        }
        bench.add(frame.formatted("{}", "\"stop\""));
        bench.add("""
                {"id":"chatcmpl-bench0000000000000000000002","object":"chat.completion.chunk","created":1764720000,
                 "model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_bench0001","choices":[],
                 "usage":{"prompt_tokens":28,"completion_tokens":21,"total_tokens":49,
                 "prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0}}}""");
        List<String> words = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            words.add(frame.formatted("{\"content\":\" mot" + i + " é\"}", "null"));
        }
        return List.of(String.join("\n", bench), String.join("\n", words));
    }

    @ParameterizedTest
    @MethodSource("streams")
    void aRecordedStreamWeighsWhatItHoldsOnTheHeap(String frames) throws Exception {
        StreamRecording first = record(frames);
        StreamRecording second = record(frames);

        long measured = marginal(first.chunks(), second.chunks());
        long estimated = second.bytes() - 256;

        assertThat(estimated).as("estimated vs measured %d", measured)
                .isBetween(measured * 9 / 10, measured * 11 / 10);
    }

    @Test
    void aRecordingKeepsOneInstanceOfWhatItsChunksRepeat() throws Exception {
        List<ChatChunk> chunks = record(streams().getFirst()).chunks();

        for (ChatChunk chunk : chunks) {
            assertThat(chunk.id()).isSameAs(chunks.getFirst().id());
            assertThat(chunk.model()).isSameAs(chunks.getFirst().model());
            assertThat(chunk.systemFingerprint()).isSameAs(chunks.getFirst().systemFingerprint());
            assertThat(chunk.created()).isSameAs(chunks.getFirst().created());
        }
        List<ChatChunk> parsed = parse(streams().getFirst());
        assertThat(chunks).as("the same chunks, by value").isEqualTo(parsed);
        assertThat(AnswerFootprint.of(chunks.get(1), chunks.get(0)))
                .isLessThan(AnswerFootprint.of(parsed.get(1)));
    }

    private static StreamRecording record(String frames) throws Exception {
        StreamRecording recording = new StreamRecording(1 << 24, new ByteBudget(1 << 24));
        parse(frames).forEach(recording::append);
        assertThat(recording.overflowed()).isFalse();
        return recording;
    }

    private static List<ChatChunk> parse(String frames) throws Exception {
        List<ChatChunk> chunks = new ArrayList<>();
        for (String frame : frames.split("\n(?=\\{\"id\")")) {
            chunks.add(JSON.readValue(frame, ChatChunk.class));
        }
        return chunks;
    }

    /** What {@code second} adds to a heap that already holds {@code first}, an equal copy. */
    private static long marginal(Object first, Object second) {
        Supplier<Long> both = () -> GraphLayout.parseInstance(first, second).totalSize();
        return both.get() - GraphLayout.parseInstance(first).totalSize();
    }
}
