package dev.tiergate.cache.internal;

import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ChatCompletion;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import reactor.core.publisher.Flux;

/**
 * The chunks of one stream as they pass, with their aggregate. Past {@code maxBytes} it lets go of
 * what it holds and records nothing more: such an answer is never stored. One per subscription.
 */
public final class StreamRecording {
    private final long maxBytes;
    private ChunkAggregator aggregator = new ChunkAggregator();
    private List<ChatChunk> chunks = new ArrayList<>();
    private long bytes = 256;

    /**
     * Wraps a stream so that each subscription records its chunks: on clean completion
     * {@code onComplete} gets the recording; on error, cancel or overflow {@code onDropped} runs.
     */
    public static Flux<ChatChunk> recorded(Flux<ChatChunk> chunks, long maxBytes, Consumer<StreamRecording> onComplete,
                                           Runnable onDropped) {
        return Flux.defer(() -> {
            StreamRecording recording = new StreamRecording(maxBytes);
            return chunks
                    .doOnNext(recording::append)
                    .doOnComplete(() -> {
                        if (recording.overflowed()) {
                            onDropped.run();
                        } else {
                            onComplete.accept(recording);
                        }
                    })
                    .doOnError(error -> onDropped.run())
                    .doOnCancel(onDropped::run);
        });
    }

    public StreamRecording(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    public void append(ChatChunk chunk) {
        if (chunks == null) {
            return;
        }
        bytes += CachedAnswer.weigh(chunk);
        if (bytes > maxBytes) {
            // Let go of everything at once: a stream past the cap costs no more memory than its chunk in flight.
            chunks = null;
            aggregator = null;
            return;
        }
        chunks.add(chunk);
        aggregator.add(chunk);
    }

    public boolean overflowed() {
        return chunks == null;
    }

    public List<ChatChunk> chunks() {
        return chunks == null ? null : List.copyOf(chunks);
    }

    /** The aggregate of a recording that did not overflow. */
    public ChatCompletion aggregate() {
        if (aggregator == null) {
            throw new IllegalStateException("the recording passed its cap and kept nothing");
        }
        return aggregator.toCompletion();
    }

    public long bytes() {
        return bytes;
    }
}
