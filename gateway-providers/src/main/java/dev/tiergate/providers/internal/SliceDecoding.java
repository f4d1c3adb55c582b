package dev.tiergate.providers.internal;

import dev.tiergate.core.model.ChatChunk;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;

/** How every provider's stream decoder turns a response body into chunks, one slice at a time. */
public final class SliceDecoding {
    private SliceDecoding() {
    }

    /**
     * The chunks of {@code body}: each slice is requested only when the chunks of the last one were
     * taken, {@code decodeSlice} adds the chunks a slice completes, and {@code atEnd} follows the
     * last slice (end checks, final chunks). A failure inside a slice still emits the chunks decoded
     * before it, then the error.
     */
    public static Flux<ChatChunk> chunks(Flux<byte[]> body, BiConsumer<byte[], List<ChatChunk>> decodeSlice,
                                         Supplier<Flux<ChatChunk>> atEnd) {
        return body.concatMap(bytes -> {
            List<ChatChunk> out = new ArrayList<>(2);
            try {
                decodeSlice.accept(bytes, out);
            } catch (RuntimeException e) {
                return Flux.fromIterable(out).concatWith(Flux.error(e));
            }
            return Flux.fromIterable(out);
        }, 1).concatWith(Flux.defer(atEnd));
    }
}
