package dev.tiergate.providers.openai;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ChatCompletion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * An OpenAI answer read into its record: by data binding (what the adapter did before) and by
 * {@link OpenAiAnswerScan} (a walk over Jackson's tokens) and bytes first ({@link OpenAiChunkBytes}, what the
 * stream decoder does now), for the three shapes a stream's chunks have (a
 * content delta, most of them; a tool call's opening fragment; the usage-only last chunk) and for a
 * plain answer's body (a {@code chat.completion}). The parser alone ({@link #tokens}) is the floor. Run with {@code BENCH_MODULE=gateway-providers bench/jmh.sh}; see docs/benchmarks.md. Not a
 * test: nothing here runs under {@code ./mvnw verify}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AnswerDecodeBenchmark {
    private static final String CONTENT = "{\"id\":\"chatcmpl-BxQ7\",\"object\":\"chat.completion.chunk\",\"created\":1764700000,"
            + "\"model\":\"gpt-4o-mini-2024-07-18\",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_560af6e559\","
            + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\" the capital\"},\"logprobs\":null,\"finish_reason\":null}],"
            + "\"usage\":null,\"obfuscation\":\"k3Xw\"}";
    private static final String TOOL_CALL = "{\"id\":\"chatcmpl-BxQ7\",\"object\":\"chat.completion.chunk\",\"created\":1764700000,"
            + "\"model\":\"gpt-4o-mini-2024-07-18\",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_560af6e559\","
            + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,"
            + "\"id\":\"call_Qx1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}],"
            + "\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null,\"obfuscation\":\"Zq\"}";
    private static final String USAGE = "{\"id\":\"chatcmpl-BxQ7\",\"object\":\"chat.completion.chunk\",\"created\":1764700000,"
            + "\"model\":\"gpt-4o-mini-2024-07-18\",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_560af6e559\","
            + "\"choices\":[],\"usage\":{\"prompt_tokens\":24,\"completion_tokens\":10,\"total_tokens\":34,"
            + "\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},\"completion_tokens_details\":"
            + "{\"reasoning_tokens\":0,\"audio_tokens\":0,\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}},"
            + "\"obfuscation\":\"p\"}";

    private static final String COMPLETION = "{\"id\":\"chatcmpl-BxQ7\",\"object\":\"chat.completion\",\"created\":1764700000,"
            + "\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
            + "\"content\":\"The capital of France is Paris. It sits on the Seine, at the centre of the Paris Basin.\","
            + "\"refusal\":null,\"annotations\":[]},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":24,\"completion_tokens\":21,\"total_tokens\":45,"
            + "\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},\"completion_tokens_details\":"
            + "{\"reasoning_tokens\":0,\"audio_tokens\":0,\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}},"
            + "\"service_tier\":\"default\",\"system_fingerprint\":\"fp_560af6e559\"}";

    @Param({"content", "tool-call", "usage", "completion"})
    public String shape;

    private byte[] payload;
    private boolean plain;

    @Setup
    public void setUp() {
        String json = switch (shape) {
            case "content" -> CONTENT;
            case "tool-call" -> TOOL_CALL;
            case "usage" -> USAGE;
            case "completion" -> COMPLETION;
            default -> throw new IllegalArgumentException("shape: " + shape
                    + " (expected: content, tool-call, usage, completion)");
        };
        payload = json.getBytes(StandardCharsets.UTF_8);
        plain = shape.equals("completion");
        Object scanned = scan();
        if (scanned == null || !scanned.equals(bind())) {
            throw new IllegalStateException("the scan does not read " + shape + " as binding does");
        }
    }

    @Benchmark
    public Object bind() {
        try {
            return plain ? OpenAiJson.reader().readValue(payload, ChatCompletion.class)
                    : OpenAiJson.reader().readValue(payload, ChatChunk.class);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Benchmark
    public Object scan() {
        return plain ? OpenAiAnswerScan.scanCompletion(payload) : OpenAiAnswerScan.scanChunk(payload);
    }

    /**
     * What the stream decoder does with a chunk now: {@link OpenAiChunkBytes} from the bytes, the scan
     * where it gives up (a tool call, usage details); a plain answer as {@link #scan}.
     */
    @Benchmark
    public Object bytesFirst() {
        return plain ? OpenAiAnswerScan.scanCompletion(payload) : OpenAiAnswerScan.chunk(payload);
    }

    /** The floor under both: the parser alone, every token read and every string made, nothing built. */
    @Benchmark
    public int tokens() throws IOException {
        int n = 0;
        try (JsonParser p = OpenAiJson.reader().createParser(payload)) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                n += t == JsonToken.VALUE_STRING || t == JsonToken.FIELD_NAME ? p.getText().length() : 1;
            }
        }
        return n;
    }
}
