package dev.tiergate.providers.transport;

import dev.tiergate.core.error.FatalErrors;
import dev.tiergate.core.resilience.ActivityDeadline;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.pool.ChannelPool;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One request and its response on one pooled connection. Runs entirely on the connection's event
 * loop: acquires a connection, attaches itself to the pipeline, writes the request and reads only
 * when the listener wants more. A read timeout runs while a read is outstanding (an
 * {@link ActivityDeadline}: one timer per exchange at most, not one made and cancelled per read). A response read
 * to its end on a keep-alive connection returns the connection to the pool; anything else
 * (error, timeout, cancel) closes it.
 */
final class UpstreamRoundTrip extends ChannelInboundHandlerAdapter {
    static final String NAME = "exchange";
    /**
     * The upstream request's headers: names are not checked character by character (the adapters'
     * constants, or a client's header names the server's decoder already checked), values are.
     */
    private static final HttpHeadersFactory HEADERS = DefaultHttpHeadersFactory.headersFactory().withNameValidation(false);
    private static final HttpHeadersFactory TRAILERS = DefaultHttpHeadersFactory.trailersFactory();

    private final ChannelPool pool;
    private final EventLoop loop;
    private final UpstreamRequest request;
    private final Origin origin;
    private final RoundTripListener listener;
    private final long readTimeoutNanos;

    private Channel channel;
    /** Runs while a read is outstanding (asked for, no data since); null without a read timeout. */
    private final ActivityDeadline readDeadline;
    private HttpResponse head;
    private boolean done;
    /** {@link #readIfWanted()} made once: {@link #demand()} comes once per slice a stream asks for. */
    private final Runnable readIfWantedTask = this::readIfWanted;

    UpstreamRoundTrip(ChannelPool pool, EventLoop loop, UpstreamRequest request, RoundTripListener listener,
                     UpstreamOptions options) {
        this.pool = pool;
        this.loop = loop;
        this.request = request;
        this.origin = Origin.of(request.uri());
        this.listener = listener;
        this.readTimeoutNanos = options.readTimeout().toNanos();
        this.readDeadline = readTimeoutNanos > 0 ? new ActivityDeadline(loop, readTimeoutNanos, this::onTimeout) : null;
    }

    /** Acquires a connection and sends the request. */
    void start() {
        pool.acquire().addListener((Future<Channel> f) -> onAcquired(f));
    }

    /** Abandons the exchange from any thread: the connection, if any, is closed. No listener call follows. */
    void cancel() {
        onLoop(() -> {
            if (!done) {
                done = true;
                closeAndRelease();
            }
        });
    }

    /** Reads more if the listener wants to; safe from any thread. */
    void demand() {
        onLoop(readIfWantedTask);
    }

    private void onAcquired(Future<Channel> f) {
        if (!f.isSuccess()) {
            fail(connectionError(f.cause()));
            return;
        }
        if (done) {
            pool.release(f.getNow());
            return;
        }
        channel = f.getNow();
        channel.pipeline().addBefore(UpstreamChannelHandler.IDLE_GUARD, NAME, this);
        ChannelFuture write = channel.writeAndFlush(newHttpRequest());
        write.addListener((ChannelFuture w) -> {
            if (!w.isSuccess()) {
                fail(connectionError(w.cause()));
            }
        });
        read();
    }

    private FullHttpRequest newHttpRequest() {
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(request.method()),
                request.target(), Unpooled.wrappedBuffer(request.body()), HEADERS, TRAILERS);
        for (Map.Entry<String, String> h : request.headers().entrySet()) {
            req.headers().set(h.getKey(), h.getValue());
        }
        req.headers().set(HttpHeaderNames.HOST, origin.hostHeader());
        HttpUtil.setContentLength(req, request.body().length);
        return req;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (readDeadline != null) {
                readDeadline.end();
            }
            if (done) {
                return;
            }
            if (msg instanceof HttpResponse response) {
                if (response.decoderResult().isFailure()) {
                    fail(connectionError(response.decoderResult().cause()));
                    return;
                }
                head = response;
                listener.onHead(response);
            }
            if (msg instanceof HttpContent content && !done) {
                if (content.decoderResult().isFailure()) {
                    fail(connectionError(content.decoderResult().cause()));
                    return;
                }
                listener.onContent(content.content());
                if (content instanceof LastHttpContent && !done) {
                    complete();
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        readIfWanted();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        fail(new UpstreamConnectionException("upstream closed the connection before the response ended", null));
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        FatalErrors.escalate(cause);
        fail(connectionError(cause));
    }

    private void readIfWanted() {
        if (!done && channel != null && listener.wantsMore()) {
            read();
        }
    }

    private void read() {
        if (readDeadline != null) {
            readDeadline.begin();
        }
        channel.read();
    }

    /** A read outstanding for the whole timeout fails the exchange. */
    private void onTimeout() {
        fail(new UpstreamTimeoutException("no data from " + origin.host() + " for "
                + TimeUnit.NANOSECONDS.toMillis(readTimeoutNanos) + " ms"));
    }

    private void complete() {
        done = true;
        cancelTimeout();
        if (HttpUtil.isKeepAlive(head)) {
            Channel ch = channel;
            channel = null;
            ch.pipeline().remove(this);
            pool.release(ch);
        } else {
            closeAndRelease();
        }
        listener.onComplete();
    }

    private void fail(UpstreamException error) {
        if (done) {
            return;
        }
        done = true;
        cancelTimeout();
        if (channel != null) {
            closeAndRelease();
        }
        listener.onError(error);
    }

    private void closeAndRelease() {
        cancelTimeout();
        Channel ch = channel;
        channel = null;
        if (ch == null) {
            return;
        }
        if (ch.pipeline().context(this) != null) {
            ch.pipeline().remove(this);
        }
        ConnectionTeardown.close(ch);
        pool.release(ch);
    }

    private void cancelTimeout() {
        if (readDeadline != null) {
            readDeadline.cancel();
        }
    }

    private void onLoop(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }

    static UpstreamException connectionError(Throwable cause) {
        if (cause instanceof UpstreamException e) {
            return e;
        }
        if (cause instanceof TimeoutException) {
            return new UpstreamConnectionException("no free upstream connection in time", cause);
        }
        String detail = cause == null ? "unknown" : cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        return new UpstreamConnectionException("upstream connection failed: " + detail, cause);
    }
}
