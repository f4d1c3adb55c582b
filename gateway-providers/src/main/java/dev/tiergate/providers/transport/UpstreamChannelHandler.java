package dev.tiergate.providers.transport;

import dev.tiergate.core.error.FatalErrors;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.pool.AbstractChannelPoolHandler;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import java.util.function.Supplier;

/**
 * Builds the pipeline of a new pooled connection ({@code tls?}, {@code http}, {@code idle-guard})
 * and keeps one read pending while the connection is idle in the pool, so that a close by the
 * upstream is noticed and the pool's health check drops the connection.
 */
final class UpstreamChannelHandler extends AbstractChannelPoolHandler {
    static final String TLS = "tls";
    static final String HTTP = "http";
    static final String IDLE_GUARD = "idle-guard";

    private final Origin origin;
    private final Supplier<SslContext> sslContext;

    UpstreamChannelHandler(Origin origin, Supplier<SslContext> sslContext) {
        this.origin = origin;
        this.sslContext = sslContext;
    }

    @Override
    public void channelCreated(Channel ch) {
        ChannelPipeline p = ch.pipeline();
        if (origin.tls()) {
            p.addLast(TLS, sslContext.get().newHandler(ch.alloc(), origin.socketHost(), origin.port()));
        }
        p.addLast(HTTP, new HttpClientCodec());
        p.addLast(IDLE_GUARD, IdleGuard.INSTANCE);
    }

    @Override
    public void channelReleased(Channel ch) {
        if (ch.isActive()) {
            ch.read();
        }
    }

    /** Last in the pipeline: anything reaching it arrived with no exchange attached, so the connection is unusable. */
    @io.netty.channel.ChannelHandler.Sharable
    static final class IdleGuard extends ChannelInboundHandlerAdapter {
        static final IdleGuard INSTANCE = new IdleGuard();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
            ctx.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            FatalErrors.escalate(cause);
            ctx.close();
        }
    }
}
