package dev.tiergate.router.cascade;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.model.ChunkAggregator;
import dev.tiergate.core.model.ToolCall;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

/**
 * Holds a cascaded stream back until it ends, so that its answer can be checked before the client
 * sees a byte, but only within a bound: once its text passes {@code maxBytes} (UTF-8) or it runs
 * longer than {@code maxHold}, the hold commits to it and it streams on, unchecked.
 * {@link #outcome()} completes with {@link Ended} (every chunk, and their aggregate to check) or
 * {@link Committed} (the stream from its first chunk on, also when it failed while held). Chunks are
 * pulled one at a time while held; after a commit, the client's demand is passed upstream.
 */
final class StreamHold implements CoreSubscriber<ChatChunk> {
    private final CompletableFuture<Outcome> outcome = new CompletableFuture<>();
    private final long maxBytes;
    // guarded by this
    private final List<ChatChunk> held = new ArrayList<>();
    private final ChunkAggregator aggregate = new ChunkAggregator();
    private Subscription upstream;
    private long bytes;
    private boolean holding = true;
    private boolean ended;
    private Throwable error;
    private FluxSink<ChatChunk> downstream;
    private ScheduledFuture<?> timer;

    private StreamHold(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** Subscribes to {@code stream} now and holds it for at most {@code maxHold} on {@code timers}. */
    static StreamHold start(Flux<ChatChunk> stream, long maxBytes, Duration maxHold, ScheduledExecutorService timers) {
        StreamHold hold = new StreamHold(maxBytes);
        ScheduledFuture<?> timer = timers.schedule(hold::commit, maxHold.toNanos(), TimeUnit.NANOSECONDS);
        synchronized (hold) {
            hold.timer = timer;
        }
        stream.subscribe(hold);
        return hold;
    }

    /** What became of the stream: it ended while held, or the hold committed to it. */
    CompletableFuture<Outcome> outcome() {
        return outcome;
    }

    /** What a held stream came to. */
    sealed interface Outcome {
    }

    /** The stream ended cleanly while held: its chunks, to replay, and their aggregate, to check. */
    record Ended(List<ChatChunk> chunks, ChatCompletion aggregate) implements Outcome {
        Ended {
            chunks = List.copyOf(chunks);
            requireNonNull(aggregate, "aggregate");
        }
    }

    /** The hold let go (too long, too slow, or failed): the stream from its first chunk on. */
    record Committed(Flux<ChatChunk> stream) implements Outcome {
    }

    /**
     * Drops the stream while it is still held or not yet handed over (the client left): closes the
     * upstream call; a hold still undecided fails with a {@link CancellationException}.
     */
    void cancel() {
        Subscription s;
        synchronized (this) {
            if (downstream != null) {
                return;
            }
            holding = false;
            s = upstream;
            stopTimer();
        }
        if (s != null) {
            s.cancel();
        }
        outcome.completeExceptionally(new CancellationException("the client went away while the stream was held"));
    }

    @Override
    public void onSubscribe(Subscription s) {
        synchronized (this) {
            upstream = s;
        }
        s.request(1);
    }

    @Override
    public void onNext(ChatChunk chunk) {
        boolean more;
        synchronized (this) {
            if (downstream != null) {
                downstream.next(chunk);
                return;
            }
            held.add(chunk);
            if (!holding) {
                return;     // committed, not handed over yet: kept for the client
            }
            aggregate.add(chunk);
            bytes += textBytes(chunk);
            more = bytes <= maxBytes;
        }
        if (more) {
            upstream.request(1);
        } else {
            commit();
        }
    }

    @Override
    public void onError(Throwable t) {
        boolean commitNow;
        synchronized (this) {
            if (downstream != null) {
                downstream.error(t);
                return;
            }
            ended = true;
            error = t;
            commitNow = holding;
        }
        if (commitNow) {
            commit();
        }
    }

    @Override
    public void onComplete() {
        Ended whole;
        synchronized (this) {
            if (downstream != null) {
                downstream.complete();
                return;
            }
            ended = true;
            if (!holding) {
                return;
            }
            holding = false;
            stopTimer();
            whole = new Ended(held, aggregate.toCompletion());
        }
        outcome.complete(whole);
    }

    /** Lets go of the stream: the client gets what was held, then the rest. */
    private void commit() {
        synchronized (this) {
            if (!holding) {
                return;
            }
            holding = false;
            stopTimer();
        }
        outcome.complete(new Committed(Flux.create(this::handOver)));
    }

    /** The client subscribed to a committed stream: what was held first, then the rest under its demand. */
    private void handOver(FluxSink<ChatChunk> sink) {
        Subscription s;
        synchronized (this) {
            held.forEach(sink::next);
            held.clear();
            if (ended) {
                if (error != null) {
                    sink.error(error);
                } else {
                    sink.complete();
                }
                return;
            }
            downstream = sink;
            s = upstream;
        }
        sink.onRequest(s::request);
        sink.onCancel(s::cancel);
    }

    private void stopTimer() {
        if (timer != null) {
            timer.cancel(false);
        }
    }

    /** The UTF-8 length of a chunk's text: content and tool-call arguments. */
    static long textBytes(ChatChunk chunk) {
        long total = 0;
        for (ChatChunk.ChunkChoice choice : chunk.choices()) {
            if (choice.delta() == null) {
                continue;
            }
            total += utf8Length(choice.delta().content());
            if (choice.delta().toolCalls() != null) {
                for (ToolCall call : choice.delta().toolCalls()) {
                    total += call.function() == null ? 0 : utf8Length(call.function().arguments());
                }
            }
        }
        return total;
    }

    private static long utf8Length(String text) {
        if (text == null) {
            return 0;
        }
        long length = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            length += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
        }
        return length;
    }
}
