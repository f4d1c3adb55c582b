package dev.tiergate.cache.internal;

import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ChatCompletion;
import java.util.ArrayList;
import java.util.List;

/**
 * The chunks of one stream as they pass, with their aggregate. Past {@code maxBytes} it lets go of
 * what it holds and records nothing more: such an answer is never stored. One per subscription.
 */
public final class StreamRecording {
    private final long maxBytes;
    private final ChunkAggregator aggregator = new ChunkAggregator();
    private List<ChatChunk> chunks = new ArrayList<>();
    private long bytes = 256;

    public StreamRecording(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    public void append(ChatChunk chunk) {
        if (chunks == null) {
            return;
        }
        bytes += CachedAnswer.weigh(chunk);
        if (bytes > maxBytes) {
            chunks = null;
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

    public ChatCompletion aggregate() {
        return aggregator.toCompletion();
    }

    public long bytes() {
        return bytes;
    }
}
