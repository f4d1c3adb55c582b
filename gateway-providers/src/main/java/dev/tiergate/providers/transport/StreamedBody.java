package dev.tiergate.providers.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import java.util.ArrayDeque;
import java.util.function.Consumer;
import java.util.function.Function;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;

/**
 * A cold stream of a response body's slices: each subscription starts an exchange and gets the
 * 2xx body's slices as they are read, the connection read only while fewer slices wait than the
 * subscriber asked for (at most one read's slices beyond its demand). A non-2xx body is read whole
 * (bounded) and signalled as an {@link UpstreamStatusException}; slices already read go out before
 * a failure. Everything runs on the exchange's event loop (a request or cancel from another thread
 * hops onto it), so the subscription keeps its state without locks.
 */
final class StreamedBody extends Flux<byte[]> {
    private final EventLoop loop;
    private final Function<RoundTripListener, UpstreamRoundTrip> exchanges;
    private final Consumer<ResponseHead> onHead;
    private final int maxErrorBodyBytes;

    /** @param exchanges makes the exchange that reports to the listener given (on {@code loop}) */
    StreamedBody(EventLoop loop, Function<RoundTripListener, UpstreamRoundTrip> exchanges,
                 Consumer<ResponseHead> onHead, int maxErrorBodyBytes) {
        this.loop = loop;
        this.exchanges = exchanges;
        this.onHead = onHead;
        this.maxErrorBodyBytes = maxErrorBodyBytes;
    }

    @Override
    public void subscribe(CoreSubscriber<? super byte[]> actual) {
        Slices slices = new Slices(actual);
        UpstreamRoundTrip exchange = exchanges.apply(slices);
        slices.exchange = exchange;
        actual.onSubscribe(slices);
        exchange.start();
    }

    /** One subscription: the exchange's listener and the subscriber's subscription. */
    private final class Slices implements RoundTripListener, Subscription {
        private final CoreSubscriber<? super byte[]> actual;
        private final ArrayDeque<byte[]> ready = new ArrayDeque<>(4);
        private UpstreamRoundTrip exchange;
        private long requested;
        private boolean draining;
        private boolean ended;
        private Throwable failure;
        private boolean terminated;
        private HttpResponse head;
        private BodyBuffer errorBody;

        Slices(CoreSubscriber<? super byte[]> actual) {
            this.actual = actual;
        }

        @Override
        public void request(long n) {
            if (loop.inEventLoop()) {
                requestOnLoop(n);
            } else {
                loop.execute(() -> requestOnLoop(n));
            }
        }

        private void requestOnLoop(long n) {
            if (terminated) {
                return;
            }
            if (n <= 0) {
                exchange.cancel();
                failure = new IllegalArgumentException("§3.9 violated: positive request amount required but it was " + n);
                ready.clear();
                ended = true;
                drain();
                return;
            }
            requested = Operators.addCap(requested, n);
            drain();
            exchange.demand();
        }

        @Override
        public void cancel() {
            if (loop.inEventLoop()) {
                cancelOnLoop();
            } else {
                loop.execute(this::cancelOnLoop);
            }
        }

        private void cancelOnLoop() {
            terminated = true;
            ready.clear();
            exchange.cancel();
        }

        @Override
        public void onHead(HttpResponse response) {
            head = response;
            if (response.status().codeClass() == HttpStatusClass.SUCCESS) {
                onHead.accept(new ResponseHead(response.status().code(), new DefaultHttpHeaders().add(response.headers())));
            } else {
                errorBody = new BodyBuffer(maxErrorBodyBytes);
            }
        }

        @Override
        public void onContent(ByteBuf content) {
            if (errorBody != null) {
                errorBody.append(content);
            } else if (content.isReadable() && !terminated) {
                ready.add(ByteBufUtil.getBytes(content));
                drain();
            }
        }

        @Override
        public void onComplete() {
            if (errorBody != null) {
                failure = new UpstreamStatusException(new UpstreamResponse(head.status().code(),
                        new DefaultHttpHeaders().add(head.headers()), errorBody.toByteArray()));
            }
            ended = true;
            drain();
        }

        @Override
        public void onError(UpstreamException error) {
            failure = error;
            ended = true;
            drain();
        }

        @Override
        public boolean wantsMore() {
            return errorBody != null || head == null || requested > ready.size();
        }

        /** Hands on the slices asked for; once none is left after the body's end, the end. Re-entrant calls return at once. */
        private void drain() {
            if (draining) {
                return;
            }
            draining = true;
            try {
                while (!terminated && requested > 0 && !ready.isEmpty()) {
                    requested--;
                    actual.onNext(ready.poll());
                }
                if (!terminated && ended && ready.isEmpty()) {
                    terminated = true;
                    if (failure != null) {
                        actual.onError(failure);
                    } else {
                        actual.onComplete();
                    }
                }
            } finally {
                draining = false;
            }
        }
    }
}
