package dev.tiergate.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.core.error.GatewayError;
import dev.tiergate.core.json.Json;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.sse.SseEncoder;
import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * What {@link SseStreamWriter} sends for a streamed chat answer: the SSE bytes of each chunk, of a
 * clean end and of a failure after the head went out. Chat completions send each chunk as it is
 * ({@link ChatStreamFrames}); the Responses API sends its typed events. One per stream, called in
 * the stream's order.
 */
interface StreamFrames {

    /** The bytes one chunk becomes; null when it becomes nothing (the writer then asks for the next chunk). */
    byte[] chunk(ChatChunk chunk);

    /** The last bytes of a stream that ended cleanly. */
    byte[] end();

    /** The last bytes of a stream that failed after it started. */
    byte[] failure(GatewayError error);

    /** Events as SSE, each named by its {@code type} ({@code event: <type>}, then its data); null for none. */
    static byte[] namedEvents(List<ObjectNode> events) {
        if (events.isEmpty()) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 * events.size());
        try {
            for (ObjectNode event : events) {
                out.writeBytes(SseEncoder.event(event.path("type").asText(), Json.mapper().writeValueAsBytes(event)));
            }
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
