package dev.tiergate.core.sse;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.tiergate.core.json.Json;
import dev.tiergate.core.model.ChatChunk;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Writes chunks as OpenAI's SSE frames: {@code data: {json}\n\n}, ending with {@code data: [DONE]\n\n}. */
public final class SseEncoder {
    private static final byte[] PREFIX = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    private SseEncoder() {
    }

    public static byte[] encode(ChatChunk chunk) {
        try {
            return frame(Json.mapper().writeValueAsBytes(chunk));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A data frame around an already-serialised JSON payload (one line, as JSON has no raw newlines). */
    public static byte[] frame(byte[] json) {
        byte[] out = new byte[PREFIX.length + json.length + 2];
        System.arraycopy(PREFIX, 0, out, 0, PREFIX.length);
        System.arraycopy(json, 0, out, PREFIX.length, json.length);
        out[out.length - 2] = '\n';
        out[out.length - 1] = '\n';
        return out;
    }

    /** A named event around an already-serialised JSON payload: {@code event: <name>}, then its data frame. */
    public static byte[] event(String name, byte[] json) {
        byte[] head = ("event: " + name + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] data = frame(json);
        byte[] out = new byte[head.length + data.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(data, 0, out, head.length, data.length);
        return out;
    }

    public static byte[] done() {
        return DONE.clone();
    }
}
