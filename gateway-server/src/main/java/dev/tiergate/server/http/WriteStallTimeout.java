package dev.tiergate.server.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a connection that stays unwritable (its client reads nothing, so what the gateway writes
 * piles up past the high-water mark) for longer than {@code server.write-timeout-seconds}; the
 * close cancels its request, and with it the upstream call. The clock runs only while the
 * connection is unwritable, so a slow reader that keeps reading is never cut.
 */
final class WriteStallTimeout extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(WriteStallTimeout.class);

    private final long timeoutMillis;
    private ScheduledFuture<?> timer;

    WriteStallTimeout(Duration timeout) {
        this.timeoutMillis = timeout.toMillis();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            stop();
        } else if (timer == null) {
            timer = ctx.executor().schedule(() -> expire(ctx), timeoutMillis, TimeUnit.MILLISECONDS);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stop();
        ctx.fireChannelInactive();
    }

    private void stop() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void expire(ChannelHandlerContext ctx) {
        timer = null;
        if (!ctx.channel().isWritable()) {
            log.info("closing connection from {}: its client read nothing for {} ms (server.write-timeout-seconds)",
                    ctx.channel().remoteAddress(), timeoutMillis);
            ctx.close();
        }
    }
}
