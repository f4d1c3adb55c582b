package dev.tiergate.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.core.error.GatewayError;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.server.responses.ResponseEventStream;
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
        return StreamFrames.namedEvents(events.onChunk(chunk));
    }

    @Override
    public byte[] end() {
        byte[] last = StreamFrames.namedEvents(events.complete());
        onCompleted.accept(events.response());
        return last;
    }

    @Override
    public byte[] failure(GatewayError error) {
        return StreamFrames.namedEvents(events.fail(error));
    }
}
