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
 */
final class RequestReadTimeoutHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(RequestReadTimeoutHandler.class);

    private final long timeoutMillis;
    private ScheduledFuture<?> timer;
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
            } else if (timer == null) {
                start(ctx);
            }
        }
        ctx.fireChannelRead(msg);
    }

    private void start(ChannelHandlerContext ctx) {
        timer = ctx.executor().schedule(() -> expire(ctx), timeoutMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** The gateway stopped reading the connection: a request partly read is not the client's delay. */
    void pause() {
        if (!paused) {
            paused = true;
            boolean begun = timer != null;
            requestRead();
            begunWhilePaused = begun;
        }
    }

    /** Reading again: a request partly read gets the whole timeout from now. */
    void resume() {
        if (paused) {
            paused = false;
            if (begunWhilePaused && timer == null) {
                start(ctx);
            }
            begunWhilePaused = false;
        }
    }

    /** A whole request has been read: the clock stops until the next request's first byte. */
    void requestRead() {
        begunWhilePaused = false;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        requestRead();
        ctx.fireChannelInactive();
    }

    private void expire(ChannelHandlerContext ctx) {
        timer = null;
        log.info("closing connection from {}: a request took longer than {} ms to arrive",
                ctx.channel().remoteAddress(), timeoutMillis);
        ctx.close();
    }
}
