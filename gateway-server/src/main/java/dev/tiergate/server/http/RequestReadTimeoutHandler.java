package dev.tiergate.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts off slow clients (slow loris): once the first byte of a request arrives, its head and body
 * must arrive within the timeout, however slowly the bytes trickle in, or the connection is closed.
 * Sits before the HTTP codec; {@link #requestRead()} is called when a whole request was read.
 *
 * <p>One timer per connection, not one per request: a request's start is noted, and the timer, when it
 * fires, closes the connection if the request still being read began a timeout ago, re-arms itself for
 * the rest of the time if one began since, and lapses if none is being read. Requests on a kept-alive
 * connection neither schedule nor cancel anything.
 */
final class RequestReadTimeoutHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(RequestReadTimeoutHandler.class);

    private final long timeoutMillis;
    private ScheduledFuture<?> timer;
    /** A request is being read (its first byte arrived, not yet all of it), since {@link #begunAtNanos}. */
    private boolean reading;
    private long begunAtNanos;
    /** Reading is paused by the gateway (a request waits its turn): a request begun is not timed meanwhile. */
    private boolean paused;
    private boolean begunWhilePaused;
    private ChannelHandlerContext ctx;

    RequestReadTimeoutHandler(Duration timeout) {
        this.timeoutMillis = timeout.toMillis();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf bytes && bytes.isReadable()) {
            if (paused) {
                begunWhilePaused = true;
            } else if (!reading) {
                start(ctx);
            }
        }
        ctx.fireChannelRead(msg);
    }

    private void start(ChannelHandlerContext ctx) {
        reading = true;
        begunAtNanos = System.nanoTime();
        if (timer == null) {
            arm(ctx, TimeUnit.MILLISECONDS.toNanos(timeoutMillis));
        }
    }

    private void arm(ChannelHandlerContext ctx, long delayNanos) {
        timer = ctx.executor().schedule(() -> check(ctx), delayNanos, TimeUnit.NANOSECONDS);
    }

    private void check(ChannelHandlerContext ctx) {
        timer = null;
        if (!reading) {
            return;
        }
        long left = begunAtNanos + TimeUnit.MILLISECONDS.toNanos(timeoutMillis) - System.nanoTime();
        if (left > 0) {
            arm(ctx, left);
        } else {
            expire(ctx);
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** The gateway stopped reading the connection: a request partly read is not the client's delay. */
    void pause() {
        if (!paused) {
            paused = true;
            boolean begun = reading;
            requestRead();
            begunWhilePaused = begun;
        }
    }

    /** Reading again: a request partly read gets the whole timeout from now. */
    void resume() {
        if (paused) {
            paused = false;
            if (begunWhilePaused && !reading) {
                start(ctx);
            }
            begunWhilePaused = false;
        }
    }

    /** A whole request has been read: the clock stops until the next request's first byte. */
    void requestRead() {
        begunWhilePaused = false;
        reading = false;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        requestRead();
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        ctx.fireChannelInactive();
    }

    private void expire(ChannelHandlerContext ctx) {
        log.info("closing connection from {}: a request took longer than {} ms to arrive",
                ctx.channel().remoteAddress(), timeoutMillis);
        ctx.close();
    }
}
