package dev.tiergate.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.core.error.GatewayError;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.server.responses.ResponseEventStream;
import dev.tiergate.server.responses.ResponsesPassthrough;
import java.nio.charset.StandardCharsets;

/**
 * A passed-through Responses stream: each upstream event's bytes as they came; a failure after the
 * stream started ends it with an {@code error} event.
 */
final class PassthroughStreamFrames implements StreamFrames {
    private static final byte[] NOTHING = new byte[0];

    @Override
    public byte[] chunk(ChatChunk chunk) {
        JsonNode frame = chunk.extra().get(ResponsesPassthrough.FRAME);
        return frame == null ? null : frame.textValue().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] end() {
        return NOTHING;
    }

    @Override
    public byte[] failure(GatewayError error) {
        ObjectNode event = JsonNodeFactory.instance.objectNode().put("type", "error")
                .put("code", error.code() == null ? error.type() : error.code()).put("message", error.getMessage());
        event.putNull("param");
        return ResponseEventStream.frame(event);
    }
}
