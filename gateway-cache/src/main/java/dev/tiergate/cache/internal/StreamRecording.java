package dev.tiergate.cache.internal;

import dev.tiergate.core.memory.ByteBudget;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.model.ChunkAggregator;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import reactor.core.publisher.Flux;

/**
 * The chunks of one stream as they pass, with their aggregate. Past {@code maxBytes}, or when the
 * {@link #PROCESS_BUDGET budget} shared by all recordings is spent, it lets go of what it holds and
 * records nothing more: such an answer is never stored. The chunks of one stream repeat their id,
 * model and fingerprint; it keeps one instance of each for all of them. What it holds is taken from the budget as
 * it grows and given back when the stream ends, however it ends. One per subscription.
 */
public final class StreamRecording {
    /**
     * What the answers being recorded may hold at once, all streams of the process together: a
     * sixteenth of the maximum heap, at most 64 MiB. Each recording is capped on its own, but
     * hundreds of long streams at once (clients that never read, or just many) would each hold up
     * to that cap.
     */
    public static final ByteBudget PROCESS_BUDGET = new ByteBudget(Math.min(64L << 20,
            Runtime.getRuntime().maxMemory() / 16));

    /** The list's slot for a chunk. */
    private static final int REFERENCE = 4;

    private final long maxBytes;
    private final ByteBudget budget;
    private ChunkAggregator aggregator = new ChunkAggregator();
    private List<ChatChunk> chunks = new ArrayList<>();
    private long bytes = 256;
    /** What this recording holds of the budget. */
    private long taken;

    /**
     * Wraps a stream so that each subscription records its chunks: on clean completion
     * {@code onComplete} gets the recording; on error, cancel or overflow {@code onDropped} runs.
     */
    public static Flux<ChatChunk> recorded(Flux<ChatChunk> chunks, long maxBytes, Consumer<StreamRecording> onComplete,
                                           Runnable onDropped) {
        return Flux.defer(() -> {
            StreamRecording recording = new StreamRecording(maxBytes, PROCESS_BUDGET);
            return chunks
                    .doOnNext(recording::append)
                    .doOnComplete(() -> {
                        try {
                            if (recording.overflowed()) {
                                onDropped.run();
                            } else {
                                onComplete.accept(recording);
                            }
                        } finally {
                            recording.release();
                        }
                    })
                    .doOnError(error -> {
                        recording.release();
                        onDropped.run();
                    })
                    .doOnCancel(() -> {
                        recording.release();
                        onDropped.run();
                    });
        });
    }

    public StreamRecording(long maxBytes, ByteBudget budget) {
        this.maxBytes = maxBytes;
        this.budget = budget;
    }

    public void append(ChatChunk passed) {
        if (chunks == null) {
            return;
        }
        ChatChunk previous = chunks.isEmpty() ? null : chunks.getLast();
        ChatChunk chunk = sharingIdentity(passed, previous);
        long weight = REFERENCE + AnswerFootprint.of(chunk, previous);
        bytes += weight;
        if (bytes > maxBytes || !budget.tryTake(weight)) {
            // Let go of everything at once: a stream past the cap costs no more memory than its chunk in flight.
            chunks = null;
            aggregator = null;
            release();
            return;
        }
        taken += weight;
        chunks.add(chunk);
        aggregator.add(chunk);
    }

    /**
     * {@code chunk} with the very instances of {@code previous}'s id, object, creation time, model
     * and fingerprint where they are equal; {@code chunk} itself when there is nothing to share.
     */
    private static ChatChunk sharingIdentity(ChatChunk chunk, ChatChunk previous) {
        if (previous == null) {
            return chunk;
        }
        String id = same(chunk.id(), previous.id());
        String object = same(chunk.object(), previous.object());
        Long created = same(chunk.created(), previous.created());
        String model = same(chunk.model(), previous.model());
        String fingerprint = same(chunk.systemFingerprint(), previous.systemFingerprint());
        if (id == chunk.id() && object == chunk.object() && created == chunk.created() && model == chunk.model()
                && fingerprint == chunk.systemFingerprint()) {
            return chunk;
        }
        return new ChatChunk(id, object, created, model, chunk.choices(), chunk.usage(), fingerprint, chunk.extra());
    }

    private static <T> T same(T value, T previous) {
        return value != null && value.equals(previous) ? previous : value;
    }

    /** Gives back what this recording holds of the budget (its chunks stay readable until dropped). */
    public void release() {
        budget.giveBack(taken);
        taken = 0;
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
