package dev.tiergate.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.core.error.GatewayError;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.server.responses.ResponseEventStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.function.Consumer;

/**
 * A chat stream as the Responses API's typed SSE events ({@link ResponseEventStream}); the
 * finished response goes to {@code onCompleted} (to be stored) once the stream ended cleanly.
 */
final class ResponseStreamFrames implements StreamFrames {
    private final ResponseEventStream events;
    private final Consumer<ObjectNode> onCompleted;

    ResponseStreamFrames(ResponseEventStream events, Consumer<ObjectNode> onCompleted) {
        this.events = events;
        this.onCompleted = onCompleted;
    }

    @Override
    public byte[] chunk(ChatChunk chunk) {
        return frames(events.onChunk(chunk));
    }

    @Override
    public byte[] end() {
        byte[] last = frames(events.complete());
        onCompleted.accept(events.response());
        return last;
    }

    @Override
    public byte[] failure(GatewayError error) {
        return frames(events.fail(error));
    }

    private static byte[] frames(List<ObjectNode> list) {
        if (list.isEmpty()) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 * list.size());
        for (ObjectNode event : list) {
            out.writeBytes(ResponseEventStream.frame(event));
        }
        return out.toByteArray();
    }
}
