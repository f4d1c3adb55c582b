package dev.tiergate.core.provider;

import dev.tiergate.core.model.ChatChunk;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;

/**
 * Subscribes to a stream and waits for its first chunk (TensorZero's {@code peek_first_chunk}):
 * {@link #first()} completes with a single-use flux that replays that chunk and goes on with the
 * rest under the subscriber's demand, or fails when the stream fails before it. Until then
 * nothing has reached the client, so the caller may still retry elsewhere.
 */
final class FirstChunkPeek implements CoreSubscriber<ChatChunk> {
    private final CompletableFuture<Flux<ChatChunk>> first = new CompletableFuture<>();
    // guarded by this
    private Subscription upstream;
    private boolean cancelled;
    private ChatChunk firstChunk;
    private boolean firstDelivered;
    private CoreSubscriber<? super ChatChunk> downstream;
    private Throwable pendingError;
    private boolean pendingComplete;

    private FirstChunkPeek() {
    }

    /** Subscribes to {@code stream} now. */
    static FirstChunkPeek start(Flux<ChatChunk> stream) {
        FirstChunkPeek peek = new FirstChunkPeek();
        stream.subscribe(peek);
        return peek;
    }

    /** The stream from its first chunk on; an empty flux when it ended without one. */
    CompletableFuture<Flux<ChatChunk>> first() {
        return first;
    }

    /** Gives up before the stream was handed on: closes the upstream call. */
    void cancel() {
        Subscription s;
        synchronized (this) {
            if (downstream != null) {
                return;
            }
            cancelled = true;
            s = upstream;
        }
        if (s != null) {
            s.cancel();
        }
        first.completeExceptionally(new CancellationException("stream attempt cancelled"));
    }

    @Override
    public void onSubscribe(Subscription s) {
        synchronized (this) {
            upstream = s;
            if (!cancelled) {
                s.request(1);
                return;
            }
        }
        s.cancel();
    }

    @Override
    public void onNext(ChatChunk chunk) {
        CoreSubscriber<? super ChatChunk> target;
        synchronized (this) {
            if (firstChunk == null && !firstDelivered) {
                firstChunk = chunk;
                target = null;
            } else {
                target = downstream;
            }
        }
        if (target == null) {
            if (!first.complete(new Rest())) {
                upstream.cancel();
            }
        } else {
            target.onNext(chunk);
        }
    }

    @Override
    public void onError(Throwable t) {
        if (!first.isDone()) {
            first.completeExceptionally(t);
            return;
        }
        synchronized (this) {
            if (firstDelivered) {
                downstream.onError(t);
            } else {
                pendingError = t;
            }
        }
    }

    @Override
    public void onComplete() {
        if (!first.isDone()) {
            first.complete(Flux.empty());
            return;
        }
        synchronized (this) {
            if (firstDelivered) {
                downstream.onComplete();
            } else {
                pendingComplete = true;
            }
        }
    }

    /** The peeked stream: the first chunk, then whatever follows upstream. */
    private final class Rest extends Flux<ChatChunk> implements Subscription {
        @Override
        public void subscribe(CoreSubscriber<? super ChatChunk> actual) {
            synchronized (FirstChunkPeek.this) {
                if (downstream != null) {
                    Operators.error(actual, new IllegalStateException("a peeked stream may be subscribed once"));
                    return;
                }
                downstream = actual;
            }
            actual.onSubscribe(this);
        }

        @Override
        public void request(long n) {
            if (!Operators.validate(n)) {
                return;
            }
            long more = n;
            synchronized (FirstChunkPeek.this) {
                if (!firstDelivered) {
                    firstDelivered = true;
                    ChatChunk chunk = firstChunk;
                    firstChunk = null;
                    downstream.onNext(chunk);
                    if (pendingError != null) {
                        downstream.onError(pendingError);
                        return;
                    }
                    if (pendingComplete) {
                        downstream.onComplete();
                        return;
                    }
                    more = n == Long.MAX_VALUE ? n : n - 1;
                }
            }
            if (more > 0) {
                upstream.request(more);
            }
        }

        @Override
        public void cancel() {
            upstream.cancel();
        }
    }
}
