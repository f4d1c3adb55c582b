package dev.tiergate.server.http;

import dev.tiergate.core.resilience.ActivityDeadline;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts off slow clients (slow loris): once the first byte of a request arrives, its head and body
 * must arrive within the timeout, however slowly the bytes trickle in, or the connection is closed.
 * Sits before the HTTP codec; {@link #requestRead()} is called when a whole request was read.
 * One {@link ActivityDeadline} per connection: requests on a kept-alive connection neither schedule
 * nor cancel a timer each.
 */
final class RequestReadTimeoutHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(RequestReadTimeoutHandler.class);

    private final long timeoutMillis;
    /** Runs while a request is being read (its first byte arrived, not yet all of it). */
    private ActivityDeadline deadline;
    /** Reading is paused by the gateway (a request waits its turn): a request begun is not timed meanwhile. */
    private boolean paused;
    private boolean begunWhilePaused;

    RequestReadTimeoutHandler(Duration timeout) {
        this.timeoutMillis = timeout.toMillis();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        deadline = new ActivityDeadline(ctx.executor(), TimeUnit.MILLISECONDS.toNanos(timeoutMillis), () -> expire(ctx));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf bytes && bytes.isReadable()) {
            if (paused) {
                begunWhilePaused = true;
            } else {
                deadline.begin();
            }
        }
        ctx.fireChannelRead(msg);
    }

    /** The gateway stopped reading the connection: a request partly read is not the client's delay. */
    void pause() {
        if (!paused) {
            paused = true;
            boolean begun = deadline.active();
            requestRead();
            begunWhilePaused = begun;
        }
    }

    /** Reading again: a request partly read gets the whole timeout from now. */
    void resume() {
        if (paused) {
            paused = false;
            if (begunWhilePaused) {
                deadline.begin();
            }
            begunWhilePaused = false;
        }
    }

    /** A whole request has been read: the clock stops until the next request's first byte. */
    void requestRead() {
        begunWhilePaused = false;
        deadline.end();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        begunWhilePaused = false;
        deadline.cancel();
        ctx.fireChannelInactive();
    }

    private void expire(ChannelHandlerContext ctx) {
        log.info("closing connection from {}: a request took longer than {} ms to arrive",
                ctx.channel().remoteAddress(), timeoutMillis);
        ctx.close();
    }
}
