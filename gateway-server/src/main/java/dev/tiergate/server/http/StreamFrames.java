package dev.tiergate.server.http;

import dev.tiergate.core.error.GatewayError;
import dev.tiergate.core.model.ChatChunk;

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
}
