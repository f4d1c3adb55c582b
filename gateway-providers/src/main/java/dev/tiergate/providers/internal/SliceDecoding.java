package dev.tiergate.providers.internal;

import dev.tiergate.core.model.ChatChunk;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;

/** How every provider's stream decoder turns a response body into chunks, one slice at a time. */
public final class SliceDecoding {
    private SliceDecoding() {
    }

    /**
     * The chunks of {@code body}: each slice is requested only when the chunks of the last one were
     * taken, {@code decodeSlice} adds the chunks a slice completes, and {@code atEnd} follows the
     * last slice (end checks that throw, final chunks). A failure inside a slice still emits the
     * chunks decoded before it, then the error, and cancels the body.
     */
    public static Flux<ChatChunk> chunks(Flux<byte[]> body, BiConsumer<byte[], List<ChatChunk>> decodeSlice,
                                         Supplier<List<ChatChunk>> atEnd) {
        return new DecodedBody(body, decodeSlice, atEnd);
    }

    /** One operator for what was {@code concatMap(fromIterable)}, {@code concatWith(defer(atEnd))}: one subscriber per stream, no inner publishers. */
    private static final class DecodedBody extends Flux<ChatChunk> {
        private final Flux<byte[]> body;
        private final BiConsumer<byte[], List<ChatChunk>> decodeSlice;
        private final Supplier<List<ChatChunk>> atEnd;

        DecodedBody(Flux<byte[]> body, BiConsumer<byte[], List<ChatChunk>> decodeSlice, Supplier<List<ChatChunk>> atEnd) {
            this.body = body;
            this.decodeSlice = decodeSlice;
            this.atEnd = atEnd;
        }

        @Override
        public void subscribe(CoreSubscriber<? super ChatChunk> actual) {
            body.subscribe(new Decoding(actual, decodeSlice, atEnd));
        }
    }

    /**
     * Asks the body for one slice at a time, only when every chunk decoded so far went out and the
     * subscriber wants more. Signals may come from any thread; one drain loop at a time
     * ({@code wip}) does all the work, so its own state needs no locks.
     */
    private static final class Decoding implements CoreSubscriber<byte[]>, Subscription {
        private final CoreSubscriber<? super ChatChunk> actual;
        private final BiConsumer<byte[], List<ChatChunk>> decodeSlice;
        private final Supplier<List<ChatChunk>> atEnd;
        private final AtomicInteger wip = new AtomicInteger();
        private final AtomicLong requested = new AtomicLong();
        /** The one slice asked for and come, not yet decoded (one slice is asked for at a time). */
        private volatile byte[] arrived;
        private volatile boolean bodyEnded;
        private volatile Throwable bodyFailure;
        private volatile boolean cancelled;
        // drain loop's own
        private Subscription upstream;
        private final ArrayDeque<ChatChunk> ready = new ArrayDeque<>(4);
        private final List<ChatChunk> decoded = new ArrayList<>(4);
        private boolean sliceAsked;
        private boolean endDecoded;
        private Throwable failure;
        private boolean terminated;

        Decoding(CoreSubscriber<? super ChatChunk> actual, BiConsumer<byte[], List<ChatChunk>> decodeSlice,
                 Supplier<List<ChatChunk>> atEnd) {
            this.actual = actual;
            this.decodeSlice = decodeSlice;
            this.atEnd = atEnd;
        }

        @Override
        public void onSubscribe(Subscription s) {
            if (Operators.validate(upstream, s)) {
                upstream = s;
                actual.onSubscribe(this);
            }
        }

        @Override
        public void onNext(byte[] slice) {
            arrived = slice;
            drain();
        }

        @Override
        public void onError(Throwable t) {
            bodyFailure = t;
            bodyEnded = true;
            drain();
        }

        @Override
        public void onComplete() {
            bodyEnded = true;
            drain();
        }

        @Override
        public void request(long n) {
            if (Operators.validate(n)) {
                requested.getAndUpdate(r -> Operators.addCap(r, n));
                drain();
            }
        }

        @Override
        public void cancel() {
            cancelled = true;
            upstream.cancel();
            drain();
        }

        private void drain() {
            if (wip.getAndIncrement() != 0) {
                return;
            }
            int missed = 1;
            do {
                drainOnce();
                missed = wip.addAndGet(-missed);
            } while (missed != 0);
        }

        private void drainOnce() {
            while (!terminated) {
                if (cancelled) {
                    terminated = true;
                    ready.clear();
                    return;
                }
                long wanted = requested.get();
                if (wanted > 0 && !ready.isEmpty()) {
                    ChatChunk next = ready.poll();
                    requested.decrementAndGet();
                    actual.onNext(next);
                    continue;
                }
                if (!ready.isEmpty()) {
                    return;   // no demand
                }
                if (failure != null) {
                    terminated = true;
                    actual.onError(failure);
                    return;
                }
                byte[] slice = arrived;
                if (slice != null) {
                    arrived = null;
                    sliceAsked = false;
                    decode(slice);
                    continue;
                }
                if (bodyEnded) {
                    if (bodyFailure != null) {
                        failure = bodyFailure;
                    } else if (!endDecoded) {
                        endDecoded = true;
                        try {
                            ready.addAll(atEnd.get());
                        } catch (RuntimeException e) {
                            failure = e;
                        }
                    } else {
                        terminated = true;
                        actual.onComplete();
                        return;
                    }
                    continue;
                }
                if (wanted > 0 && !sliceAsked) {
                    sliceAsked = true;
                    upstream.request(1);
                    continue;
                }
                return;
            }
        }

        private void decode(byte[] slice) {
            try {
                decodeSlice.accept(slice, decoded);
            } catch (RuntimeException e) {
                failure = e;
                upstream.cancel();
            }
            ready.addAll(decoded);
            decoded.clear();
        }
    }
}
