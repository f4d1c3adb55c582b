package dev.tiergate.providers.anthropic;

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
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/** The SSE event translation against the fixtures in {@code fixtures/anthropic}. */
class AnthropicStreamDecoderTest {
    private final AnthropicErrorMapper errors = new AnthropicErrorMapper("anthropic", Clock.systemUTC());

    /** The chunks of a whole stream, which always end with a usage-only chunk. */
    private List<ChatChunk> decodeAll(String fixture, int slice) {
        byte[] bytes = fixture.getBytes(StandardCharsets.UTF_8);
        AnthropicStreamDecoder decoder = new AnthropicStreamDecoder(errors, 42L);
        List<ChatChunk> out = new ArrayList<>();
        for (int off = 0; off < bytes.length; off += slice) {
            decoder.decode(Arrays.copyOfRange(bytes, off, Math.min(bytes.length, off + slice)), out);
        }
        assertThat(decoder.isDone()).isTrue();
        assertThat(out.getLast().choices()).as("the usage-only chunk").isEmpty();
        return out;
    }

    private static List<ChatChunk> withoutUsageChunk(List<ChatChunk> chunks) {
        return chunks.subList(0, chunks.size() - 1);
    }

    static String content(ChatChunk chunk) {
        return chunk.choices().isEmpty() ? null : chunk.choices().getFirst().delta().content();
    }

    @Test
    void translatesTextEventsWhateverTheSlicingAndLineEndings() {
        String lf = Fixtures.read("anthropic", "text.sse");
        for (String fixture : List.of(lf, lf.replace("\n", "\r\n"))) {
            for (int slice : new int[] {1, 3, 17, 100_000}) {
                List<ChatChunk> chunks = withoutUsageChunk(decodeAll(fixture, slice));
                assertThat(chunks).as("slice %d", slice).hasSize(4);
                assertThat(chunks.getFirst().choices().getFirst().delta().role()).isEqualTo("assistant");
                assertThat(chunks).extracting(AnthropicStreamDecoderTest::content)
                        .containsExactly("", "Hello", " wörld 🎉", null);
                assertThat(chunks.getLast().finishReason()).isEqualTo("stop");
                assertThat(chunks).allSatisfy(c -> {
                    assertThat(c.id()).isEqualTo("msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY");
                    assertThat(c.object()).isEqualTo("chat.completion.chunk");
                    assertThat(c.created()).isEqualTo(42L);
                    assertThat(c.model()).isEqualTo("claude-sonnet-4-5-20250929");
                    assertThat(c.usage()).isNull();
                });
            }
        }
    }

    @Test
    void keepingEventsGivesEveryEventAsItCameBesideTheSameTranslation() throws Exception {
        String fixture = Fixtures.read("anthropic", "tool-use.sse");
        byte[] bytes = fixture.getBytes(StandardCharsets.UTF_8);
        AnthropicStreamDecoder keeping = new AnthropicStreamDecoder(errors, 42L, true);
        List<ChatChunk> kept = new ArrayList<>();
        keeping.decode(bytes, kept);
        List<ChatChunk> plain = decodeAll(fixture, 100_000);

        List<com.fasterxml.jackson.databind.JsonNode> events = new ArrayList<>();
        for (String line : fixture.split("\n")) {
            if (line.startsWith("data:")) {
                events.add(dev.tiergate.core.json.Json.mapper().readTree(line.substring(5)));
            }
        }
        assertThat(kept).extracting(c -> c.extra().get(dev.tiergate.core.model.AnthropicOrigin.EVENT))
                .filteredOn(java.util.Objects::nonNull).containsExactlyElementsOf(events);
        assertThat(kept.stream().filter(c -> !c.choices().isEmpty() || c.usage() != null)
                .map(c -> c.withIdentity(c.id(), 42L)).map(c -> new ChatChunk(c.id(), c.object(), c.created(),
                        c.model(), c.choices(), c.usage(), c.systemFingerprint(), java.util.Map.of())).toList())
                .isEqualTo(plain);
    }

    @Test
    void alwaysEndsWithAUsageOnlyChunk() {
        List<ChatChunk> chunks = decodeAll(Fixtures.read("anthropic", "text.sse"), 64);
        assertThat(chunks).hasSize(5);
        ChatChunk usage = chunks.getLast();
        assertThat(usage.id()).isEqualTo("msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY");
        assertThat(usage.usage().promptTokens()).isEqualTo(35);
        assertThat(usage.usage().completionTokens()).isEqualTo(15);
        assertThat(usage.usage().totalTokens()).isEqualTo(50);
        assertThat(usage.usage().cachedTokens()).isEqualTo(10);
    }

    @Test
    void streamsToolCallsAsIndexedFragments() {
        List<ChatChunk> chunks = withoutUsageChunk(decodeAll(Fixtures.read("anthropic", "tool-use.sse"), 29));

        assertThat(chunks).extracting(AnthropicStreamDecoderTest::content)
                .containsExactly("", "Okay, let me check.", null, null, null, null, null, null);
        List<ToolCall> calls = chunks.stream()
                .filter(c -> c.choices().getFirst().delta().toolCalls() != null)
                .map(c -> c.choices().getFirst().delta().toolCalls().getFirst())
                .toList();
        assertThat(calls.get(0)).isEqualTo(new ToolCall(0, "toolu_01T1x1fJ34qAmk2tNTrN7Up6", "function",
                new ToolCall.FunctionCall("get_weather", "")));
        assertThat(calls.get(3)).isEqualTo(new ToolCall(1, "toolu_02", "function",
                new ToolCall.FunctionCall("get_time", "")));
        assertThat(arguments(calls, 0)).isEqualTo("{\"location\": \"San Francisco, CA\"}");
        assertThat(arguments(calls, 1)).isEqualTo("{\"tz\":\"PST\"}");
        assertThat(calls).filteredOn(c -> c.id() == null).allSatisfy(c -> {
            assertThat(c.type()).isNull();
            assertThat(c.function().name()).isNull();
        });
        assertThat(chunks.getLast().finishReason()).isEqualTo("tool_calls");
    }

    @Test
    void aToolWithoutParametersEndsWithAnEmptyObjectAsTheNonStreamedAnswer() {
        List<ChatChunk> chunks = withoutUsageChunk(decodeAll(Fixtures.read("anthropic", "tool-use-no-input.sse"), 50));

        List<ToolCall> calls = chunks.stream()
                .filter(c -> c.choices().getFirst().delta().toolCalls() != null)
                .map(c -> c.choices().getFirst().delta().toolCalls().getFirst())
                .toList();
        assertThat(calls).containsExactly(
                new ToolCall(0, "toolu_01Clock", "function", new ToolCall.FunctionCall("get_time", "")),
                new ToolCall(0, null, null, new ToolCall.FunctionCall(null, "{}")));
        assertThat(arguments(calls, 0)).isEqualTo("{}");
        assertThat(chunks.getLast().finishReason()).isEqualTo("tool_calls");
        // a tool that streamed its arguments gets nothing more at its block's end
        List<ChatChunk> withArguments = decodeAll(Fixtures.read("anthropic", "tool-use.sse"), 100_000);
        assertThat(withArguments).flatMap(c -> c.choices().isEmpty() || c.choices().getFirst().delta().toolCalls() == null
                ? List.of() : c.choices().getFirst().delta().toolCalls())
                .extracting(c -> c.function().arguments()).doesNotContain("{}");
    }

    private static String arguments(List<ToolCall> calls, int index) {
        return calls.stream().filter(c -> c.index() == index).map(c -> c.function().arguments())
                .collect(Collectors.joining());
    }

    @Test
    void aMidStreamErrorEventFailsAfterTheChunksBeforeIt() {
        AnthropicStreamDecoder decoder = new AnthropicStreamDecoder(errors, 0L);
        List<ChatChunk> seen = new ArrayList<>();
        Flux<byte[]> body = Flux.just(Fixtures.read("anthropic", "mid-stream-error.sse").getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> decoder.decode(body).doOnNext(seen::add).blockLast(Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(UpstreamError.class, e -> {
                    assertThat(e.getMessage()).isEqualTo("Overloaded");
                    assertThat(e.code()).isEqualTo("overloaded_error");
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.provider()).isEqualTo("anthropic");
                });
        assertThat(seen).extracting(AnthropicStreamDecoderTest::content).containsExactly("", "Partial");
    }

    @Test
    void aBodyEndingBeforeMessageStopIsAnError() {
        AnthropicStreamDecoder decoder = new AnthropicStreamDecoder(errors, 0L);
        Flux<byte[]> body = Flux.just(Fixtures.read("anthropic", "truncated.sse").getBytes(StandardCharsets.UTF_8));
        List<ChatChunk> seen = new ArrayList<>();

        assertThatThrownBy(() -> decoder.decode(body).doOnNext(seen::add).blockLast(Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(UpstreamError.class, e -> {
                    assertThat(e.code()).isEqualTo("upstream_incomplete_stream");
                    assertThat(e.retryable()).isTrue();
                });
        assertThat(seen).hasSize(2);
    }

    @Test
    void ignoresEventsAfterMessageStopAndRejectsGarbage() {
        AnthropicStreamDecoder decoder = new AnthropicStreamDecoder(errors, 0L);
        List<ChatChunk> out = new ArrayList<>();
        decoder.decode(("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"
                + "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"late\"}}\n\n")
                .getBytes(StandardCharsets.UTF_8), out);
        assertThat(out).singleElement().satisfies(usage -> assertThat(usage.choices()).isEmpty());
        assertThat(decoder.isDone()).isTrue();
        assertThatThrownBy(() -> new AnthropicStreamDecoder(errors, 0L)
                .decode("data: nope\n\n".getBytes(StandardCharsets.UTF_8), new ArrayList<>()))
                .isInstanceOf(UpstreamError.class)
                .hasMessageContaining("not JSON");
        assertThatThrownBy(() -> new AnthropicStreamDecoder(errors, 0L).decode(
                "data: {\"type\":\"content_block_delta\",\"index\":3,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\"}}\n\n"
                        .getBytes(StandardCharsets.UTF_8), new ArrayList<>()))
                .isInstanceOf(UpstreamError.class)
                .hasMessageContaining("not a tool_use block");
    }
}
