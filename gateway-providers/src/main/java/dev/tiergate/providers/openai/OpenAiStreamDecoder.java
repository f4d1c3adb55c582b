package dev.tiergate.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.sse.SseDecoder;
import dev.tiergate.core.sse.SseEvent;
import dev.tiergate.providers.internal.SliceDecoding;
import java.io.IOException;
import java.util.List;
import reactor.core.publisher.Flux;

/**
 * Turns the bytes of one OpenAI chat stream into {@link ChatChunk}s: SSE framing first, then each
 * {@code data:} payload as a chunk. {@code [DONE]} ends the stream (later events are ignored); an
 * {@code {"error":...}} payload or an {@code event: error} fails it with an
 * {@link dev.tiergate.core.error.UpstreamError}. One decoder per stream; not thread-safe.
 */
final class OpenAiStreamDecoder {
    private final SseDecoder sse = new SseDecoder();
    private final OpenAiErrorMapper errors;
    private boolean done;
    private boolean sawEvent;

    OpenAiStreamDecoder(OpenAiErrorMapper errors) {
        this.errors = errors;
    }

    /**
     * The chunks of a response body, one slice requested at a time. A failure inside a slice
     * still emits the chunks decoded before it, then the error. A body without a single event
     * (an HTML page or a JSON body where a stream was asked for) fails as a malformed response.
     */
    Flux<ChatChunk> decode(Flux<byte[]> body) {
        return SliceDecoding.chunks(body, this::decode, () -> sawEvent ? Flux.empty()
                : Flux.error(errors.malformed("the stream ended without a single event (expected: text/event-stream)",
                        null)));
    }

    /** Adds the chunks completed by this slice of the body to {@code out}. */
    void decode(byte[] bytes, List<ChatChunk> out) {
        sse.feed(bytes, 0, bytes.length, event -> onEvent(event, out));
    }

    /** Whether {@code [DONE]} was seen. */
    boolean isDone() {
        return done;
    }

    private void onEvent(SseEvent event, List<ChatChunk> out) {
        sawEvent = true;
        if (done) {
            return;
        }
        if (event.isDone()) {
            done = true;
            return;
        }
        JsonNode node = parse(event.data());
        if (node.has("error") || "error".equals(event.event())) {
            throw errors.fromStreamError(node);
        }
        try {
            out.add(OpenAiJson.reader().treeToValue(node, ChatChunk.class));
        } catch (IOException e) {
            throw errors.malformed("stream chunk is not a chat.completion.chunk", e);
        }
    }

    private JsonNode parse(String data) {
        try {
            JsonNode node = OpenAiJson.reader().readTree(data);
            if (node == null || !node.isObject()) {
                throw errors.malformed("stream event is not a JSON object", null);
            }
            return node;
        } catch (IOException e) {
            throw errors.malformed("stream event is not JSON", e);
        }
    }
}
