package dev.tiergate.providers.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tiergate.core.error.UpstreamError;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ToolCall;
import dev.tiergate.providers.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/** The translation of streamed GenerateContentResponses against the fixtures in {@code fixtures/gemini}. */
class GeminiStreamDecoderTest {
    private final GeminiErrorMapper errors = new GeminiErrorMapper("gemini", Clock.systemUTC());

    private GeminiStreamDecoder decoder() {
        return new GeminiStreamDecoder(new GeminiMapper(Fixtures.sequentialIds()), errors, "requested", 42L);
    }

    private List<ChatChunk> decodeAll(String fixture, int slice) {
        byte[] bytes = fixture.getBytes(StandardCharsets.UTF_8);
        GeminiStreamDecoder decoder = decoder();
        List<ChatChunk> out = new ArrayList<>();
        for (int off = 0; off < bytes.length; off += slice) {
            decoder.decode(Arrays.copyOfRange(bytes, off, Math.min(bytes.length, off + slice)), out);
        }
        out.addAll(decoder.finish());
        return out;
    }

    /** The chunks before the usage-only chunk that ends a stream in which Gemini reported usage. */
    private static List<ChatChunk> withoutUsageChunk(List<ChatChunk> chunks) {
        assertThat(chunks.getLast().choices()).as("the usage-only chunk").isEmpty();
        return chunks.subList(0, chunks.size() - 1);
    }

    static String content(ChatChunk chunk) {
        return chunk.choices().isEmpty() ? null : chunk.choices().getFirst().delta().content();
    }

    @Test
    void translatesTextWhateverTheSlicing() {
        for (int slice : new int[] {1, 5, 64, 100_000}) {
            List<ChatChunk> chunks = withoutUsageChunk(decodeAll(Fixtures.read("gemini", "text.sse"), slice));
            assertThat(chunks).as("slice %d", slice).extracting(GeminiStreamDecoderTest::content)
                    .containsExactly("Hello", " wörld 🎉", "!", null);
            assertThat(chunks.getFirst().choices().getFirst().delta().role()).isEqualTo("assistant");
            assertThat(chunks.get(1).choices().getFirst().delta().role()).isNull();
            assertThat(chunks.getLast().finishReason()).isEqualTo("stop");
            assertThat(chunks).allSatisfy(c -> {
                assertThat(c.id()).isEqualTo("stream-1");
                assertThat(c.created()).isEqualTo(42L);
                assertThat(c.model()).isEqualTo("gemini-2.5-flash");
                assertThat(c.usage()).isNull();
            });
        }
    }

    @Test
    void alwaysEndsWithTheLastUsageReported() {
        List<ChatChunk> chunks = decodeAll(Fixtures.read("gemini", "text.sse"), 100_000);
        assertThat(chunks).hasSize(5);
        ChatChunk usage = chunks.getLast();
        assertThat(usage.choices()).isEmpty();
        assertThat(usage.id()).isEqualTo("stream-1");
        assertThat(usage.usage().promptTokens()).isEqualTo(9);
        assertThat(usage.usage().completionTokens()).isEqualTo(3);
        assertThat(usage.usage().cachedTokens()).isEqualTo(4);
    }

    @Test
    void streamsWholeFunctionCallsAsOpenAiStreamsToolCalls() {
        List<ChatChunk> chunks = withoutUsageChunk(decodeAll(Fixtures.read("gemini", "function-call.sse"), 33));

        assertThat(chunks).hasSize(6);
        assertThat(content(chunks.getFirst())).isEqualTo("Checking.");
        assertThat(chunks.subList(1, 5)).map(c -> c.choices().getFirst().delta().toolCalls()).containsExactly(
                List.of(new ToolCall(0, "call_id1", "function", new ToolCall.FunctionCall("get_weather", ""))),
                List.of(new ToolCall(0, null, null, new ToolCall.FunctionCall(null, "{\"city\":\"Paris\"}"))),
                List.of(new ToolCall(1, "call_id2", "function", new ToolCall.FunctionCall("get_time", ""))),
                List.of(new ToolCall(1, null, null, new ToolCall.FunctionCall(null, "{}"))));
        assertThat(chunks.subList(1, 6)).allSatisfy(c -> assertThat(c.choices().getFirst().delta().role()).isNull());
        assertThat(chunks.getLast().finishReason()).isEqualTo("tool_calls");
    }

    @Test
    void aStreamThatOpensWithAFunctionCallCarriesTheRoleAndTheThoughtSignature() {
        String sse = "data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"functionCall\":"
                + "{\"name\":\"get_weather\",\"args\":{\"city\":\"Paris\"}},\"thoughtSignature\":\"Ab+/Cd==\"}]},"
                + "\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":5,"
                + "\"candidatesTokenCount\":3},\"modelVersion\":\"gemini-3-pro-preview\"}\n\n";

        List<ChatChunk> chunks = withoutUsageChunk(decodeAll(sse, 100_000));

        assertThat(chunks).hasSize(3);
        ChatChunk.Delta opening = chunks.getFirst().choices().getFirst().delta();
        assertThat(opening.role()).isEqualTo("assistant");
        assertThat(opening.content()).isNull();
        assertThat(opening.toolCalls()).containsExactly(new ToolCall(0, "call_id2__thought__Ab-_Cd", "function",
                new ToolCall.FunctionCall("get_weather", "")));
        assertThat(chunks.get(1).choices().getFirst().delta().toolCalls().getFirst().function().arguments())
                .isEqualTo("{\"city\":\"Paris\"}");
    }

    @Test
    void aBlockedPromptStreamsARoleAndAContentFilterFinish() {
        String blocked = "data: " + Fixtures.read("gemini", "blocked.json").replace("\n", "") + "\n\n";
        List<ChatChunk> chunks = withoutUsageChunk(decodeAll(blocked, 100_000));
        assertThat(chunks).hasSize(2);
        assertThat(chunks.getLast().finishReason()).isEqualTo("content_filter");
    }

    @Test
    void interleavedCandidatesKeepTheirOwnIndexes() {
        String events = "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"a\"}]},\"index\":0},"
                + "{\"content\":{\"parts\":[{\"text\":\"b\"}]},\"index\":1}]}\n\n"
                + "data: {\"candidates\":[{\"content\":{\"parts\":[]},\"finishReason\":\"STOP\",\"index\":1},"
                + "{\"content\":{\"parts\":[{\"text\":\"c\"}]},\"finishReason\":\"MAX_TOKENS\",\"index\":0}]}\n\n";
        List<ChatChunk> chunks = decodeAll(events, 100_000);
        assertThat(chunks).extracting(c -> c.choices().getFirst().index() + ":" + content(c) + ":" + c.finishReason())
                .containsExactly("0:a:null", "1:b:null", "1:null:stop", "0:c:null", "0:null:length");
        assertThat(chunks).as("no usage reported, no usage chunk").allSatisfy(c -> assertThat(c.usage()).isNull());
    }

    @Test
    void aMidStreamErrorFailsAfterTheChunksBeforeIt() {
        Flux<byte[]> body = Flux.just(Fixtures.read("gemini", "mid-stream-error.sse").getBytes(StandardCharsets.UTF_8));
        List<ChatChunk> seen = new ArrayList<>();

        assertThatThrownBy(() -> decoder().decode(body).doOnNext(seen::add).blockLast(Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(UpstreamError.class, e -> {
                    assertThat(e.getMessage()).isEqualTo("The model is overloaded. Please try again later.");
                    assertThat(e.code()).isEqualTo("UNAVAILABLE");
                    assertThat(e.retryable()).isTrue();
                });
        assertThat(seen).extracting(GeminiStreamDecoderTest::content).containsExactly("Partial");
    }

    @Test
    void aBodyEndingWithoutAFinishReasonIsAnError() {
        Flux<byte[]> body = Flux.just(Fixtures.read("gemini", "truncated.sse").getBytes(StandardCharsets.UTF_8));
        List<ChatChunk> seen = new ArrayList<>();

        assertThatThrownBy(() -> decoder().decode(body).doOnNext(seen::add).blockLast(Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(UpstreamError.class,
                        e -> assertThat(e.code()).isEqualTo("upstream_incomplete_stream"));
        assertThat(seen).hasSize(1);
        assertThatThrownBy(() -> decoder().decode(Flux.empty()).blockLast(Duration.ofSeconds(5)))
                .isInstanceOf(UpstreamError.class);
    }

    @Test
    void rejectsGarbage() {
        assertThatThrownBy(() -> decoder().decode(": keep-alive\n\ndata: [1,2]\n\n".getBytes(StandardCharsets.UTF_8),
                new ArrayList<>()))
                .isInstanceOf(UpstreamError.class)
                .hasMessageContaining("not a JSON object");
    }
}
