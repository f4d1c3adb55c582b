package dev.tiergate.server.http;

import dev.tiergate.core.error.GatewayError;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.server.messages.AnthropicErrors;
import dev.tiergate.server.messages.MessageEventStream;
import java.util.List;

/** A chat stream as Anthropic's named SSE events ({@link MessageEventStream}); a failure is an {@code error} event. */
final class MessageStreamFrames implements StreamFrames {
    private final MessageEventStream events;

    MessageStreamFrames(MessageEventStream events) {
        this.events = events;
    }

    @Override
    public byte[] chunk(ChatChunk chunk) {
        return StreamFrames.namedEvents(events.onChunk(chunk));
    }

    @Override
    public byte[] end() {
        byte[] last = StreamFrames.namedEvents(events.complete());
        return last == null ? new byte[0] : last;
    }

    @Override
    public byte[] failure(GatewayError error) {
        return StreamFrames.namedEvents(List.of(AnthropicErrors.body(error)));
    }
}
