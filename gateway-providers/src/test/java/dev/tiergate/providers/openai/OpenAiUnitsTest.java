package dev.tiergate.providers.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tiergate.core.error.UpstreamError;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ToolCall;
import dev.tiergate.providers.testing.Fixtures;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/** Retry-After parsing and the stream decoder, without a network. */
class OpenAiUnitsTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);
    private final OpenAiErrorMapper errors = new OpenAiErrorMapper("openai", CLOCK);

    @Test
    void readsRetryAfterInAllItsForms() {
        assertThat(errors.retryAfter(new DefaultHttpHeaders().add("retry-after", "20"))).isEqualTo(Duration.ofSeconds(20));
        assertThat(errors.retryAfter(new DefaultHttpHeaders().add("retry-after", "1.5"))).isEqualTo(Duration.ofMillis(1500));
        assertThat(errors.retryAfter(new DefaultHttpHeaders().add("retry-after-ms", "250").add("retry-after", "9")))
                .isEqualTo(Duration.ofMillis(250));
        assertThat(errors.retryAfter(new DefaultHttpHeaders().add("retry-after", "Wed, 01 Jan 2025 00:00:30 GMT")))
                .isEqualTo(Duration.ofSeconds(30));
        assertThat(errors.retryAfter(new DefaultHttpHeaders().add("retry-after", "soon"))).isNull();
        assertThat(errors.retryAfter(new DefaultHttpHeaders())).isNull();
    }

    @Test
    void decodesTheTextFixtureWhateverTheSlicing() {
        byte[] bytes = Fixtures.read("openai", "text.sse").getBytes(StandardCharsets.UTF_8);
        for (int slice : new int[] {1, 2, 7, 64, bytes.length}) {
            OpenAiStreamDecoder decoder = new OpenAiStreamDecoder(errors);
            List<ChatChunk> out = new ArrayList<>();
            for (int off = 0; off < bytes.length; off += slice) {
                decoder.decode(java.util.Arrays.copyOfRange(bytes, off, Math.min(bytes.length, off + slice)), out);
            }
            assertThat(out).as("slice %d", slice).hasSize(5);
            assertThat(out.get(2).choices().getFirst().delta().content()).isEqualTo(" wörld 🎉");
            assertThat(decoder.isDone()).isTrue();
        }
    }

    @Test
    void aToolCallOpenedWithItsWholeArgumentsIsStreamedAsOpenAiStreamsOne() {
        // Ollama's OpenAI-compatible API sends each call whole in one delta
        OpenAiStreamDecoder decoder = new OpenAiStreamDecoder(errors);
        List<ChatChunk> out = new ArrayList<>();
        decoder.decode(Fixtures.read("openai", "tool-calls-whole.sse").getBytes(StandardCharsets.UTF_8), out);

        assertThat(out).hasSize(4);
        ChatChunk.Delta opening = out.get(0).choices().getFirst().delta();
        assertThat(opening.role()).isEqualTo("assistant");
        assertThat(opening.toolCalls()).containsExactly(new ToolCall(0, "call_9k2xq7rb", "function",
                new ToolCall.FunctionCall("get_weather", "")));
        assertThat(out.get(0).choices().getFirst().finishReason()).isNull();
        assertThat(out.get(1).choices().getFirst().delta().toolCalls()).containsExactly(
                ToolCall.argumentsFragment(0, "{\"city\":\"Paris\"}"));
        assertThat(out.get(1).id()).isEqualTo("chatcmpl-310");
        assertThat(out.get(2).finishReason()).isEqualTo("tool_calls");
        assertThat(out.get(3).usage().totalTokens()).isEqualTo(178);
        // a chunk that opens a call as OpenAI does passes unchanged
        List<ChatChunk> openAi = new ArrayList<>();
        new OpenAiStreamDecoder(errors).decode(Fixtures.read("openai", "tool-calls.sse").getBytes(StandardCharsets.UTF_8),
                openAi);
        assertThat(openAi).hasSize(5);
    }

    @Test
    void ignoresEventsAfterDoneAndRejectsGarbage() {
        OpenAiStreamDecoder decoder = new OpenAiStreamDecoder(errors);
        List<ChatChunk> out = new ArrayList<>();
        decoder.decode("data: [DONE]\n\ndata: {\"id\":\"late\"}\n\n".getBytes(StandardCharsets.UTF_8), out);
        assertThat(out).isEmpty();
        assertThatThrownBy(() -> new OpenAiStreamDecoder(errors).decode("data: nope\n\n".getBytes(StandardCharsets.UTF_8),
                new ArrayList<>()))
                .isInstanceOf(UpstreamError.class)
                .hasMessageContaining("not JSON");
    }

    @Test
    void aBodyWithoutASingleEventIsAMalformedStreamNotAnEmptyAnswer() {
        byte[] html = "<html><body>502 Bad Gateway</body></html>".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> new OpenAiStreamDecoder(errors).decode(Flux.just(html)).collectList().block())
                .isInstanceOf(UpstreamError.class)
                .hasMessageContaining("without a single event");
        assertThat(new OpenAiStreamDecoder(errors).decode(Flux.just("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8)))
                .collectList().block()).isEmpty();
    }
}
