package dev.tiergate.server.http;

import dev.tiergate.core.error.GatewayError;
import dev.tiergate.core.error.OpenAiErrorBody;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.sse.SseEncoder;

/**
 * Chat completion chunks as OpenAI streams them: {@code data: <chunk>} each, {@code data: [DONE]}
 * at the end, an OpenAI error body on failure. Every stream carries the provider's usage chunk; a
 * client that did not ask for it ({@code include_usage}) never sees it.
 */
final class ChatStreamFrames implements StreamFrames {
    private final boolean clientWantsUsage;

    ChatStreamFrames(boolean clientWantsUsage) {
        this.clientWantsUsage = clientWantsUsage;
    }

    @Override
    public byte[] chunk(ChatChunk upstreamChunk) {
        ChatChunk chunk = clientWantsUsage || upstreamChunk.usage() == null ? upstreamChunk : withoutUsage(upstreamChunk);
        return chunk == null ? null : SseEncoder.encode(chunk);
    }

    @Override
    public byte[] end() {
        return SseEncoder.done();
    }

    @Override
    public byte[] failure(GatewayError error) {
        return SseEncoder.frame(OpenAiErrorBody.toJson(error));
    }

    /** The chunk without the usage the client did not ask for; null when nothing else is in it. */
    private static ChatChunk withoutUsage(ChatChunk chunk) {
        if (chunk.choices().isEmpty()) {
            return null;
        }
        return new ChatChunk(chunk.id(), chunk.object(), chunk.created(), chunk.model(), chunk.choices(), null,
                chunk.systemFingerprint(), chunk.extra());
    }
}
