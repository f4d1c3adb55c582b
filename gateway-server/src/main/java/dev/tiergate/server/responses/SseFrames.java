package dev.tiergate.server.responses;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Flux;

/**
 * Cuts a byte stream of server-sent events into its events as they came: each event's lines and
 * the blank line that ends it (LF or CRLF), decoded as UTF-8 only once whole (so a character
 * split between two reads stays whole). Bytes after the last blank line are an unfinished event
 * and are dropped at the end. One splitter per subscription.
 */
final class SseFrames {
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    private SseFrames() {
    }

    static Flux<String> split(Flux<List<ByteBuffer>> reads) {
        return Flux.defer(() -> {
            SseFrames frames = new SseFrames();
            return reads.concatMapIterable(frames::feed);
        });
    }

    /** The events that {@code buffers} complete. */
    List<String> feed(List<ByteBuffer> buffers) {
        for (ByteBuffer buffer : buffers) {
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            pending.writeBytes(bytes);
        }
        byte[] all = pending.toByteArray();
        List<String> events = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < all.length; i++) {
            int end = endOfEvent(all, i);
            if (end > 0) {
                events.add(new String(all, start, end - start, StandardCharsets.UTF_8));
                start = end;
                i = end - 1;
            }
        }
        pending.reset();
        pending.write(all, start, all.length - start);
        return events;
    }

    /** The index after the blank line that ends an event at {@code i}, or -1. */
    private static int endOfEvent(byte[] b, int i) {
        if (b[i] != '\n') {
            return -1;
        }
        if (i + 1 < b.length && b[i + 1] == '\n') {
            return i + 2;
        }
        if (i + 2 < b.length && b[i + 1] == '\r' && b[i + 2] == '\n') {
            return i + 3;
        }
        return -1;
    }
}
