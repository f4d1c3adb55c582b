package dev.tiergate.providers.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.pool.ChannelHealthChecker;
import io.netty.channel.pool.FixedChannelPool;
import io.netty.handler.ssl.SslContext;
import java.util.function.Supplier;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** One bounded keep-alive pool per (event loop, origin); created on first use. */
final class ConnectionPools implements AutoCloseable {
    private static final int MAX_PENDING_ACQUIRES = 10_000;
    /** The most one read of an upstream connection takes in (a read happens only on demand). */
    static final int MAX_READ_BYTES = 16 * 1024;

    private final UpstreamOptions options;
    private final Supplier<SslContext> sslContext;
    private final ConcurrentMap<Key, FixedChannelPool> pools = new ConcurrentHashMap<>();

    ConnectionPools(UpstreamOptions options, Supplier<SslContext> sslContext) {
        this.options = options;
        this.sslContext = sslContext;
    }

    FixedChannelPool pool(EventLoop loop, Origin origin) {
        return pools.computeIfAbsent(new Key(loop, origin), this::newPool);
    }

    private FixedChannelPool newPool(Key key) {
        int connectMillis = (int) Math.min(Integer.MAX_VALUE, options.connectTimeout().toMillis());
        Bootstrap bootstrap = new Bootstrap()
                .group(key.loop())
                .channel(EventLoops.channelType(key.loop()))
                .resolver(OffloadingAddressResolverGroup.INSTANCE)
                .remoteAddress(InetSocketAddress.createUnresolved(key.origin().socketHost(), key.origin().port()))
                .option(ChannelOption.AUTO_READ, false)
                // at most 16 KB read per demand: what a stalled client's stream holds of the upstream's bytes
                .option(ChannelOption.RCVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(64, 2048, MAX_READ_BYTES))
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectMillis);
        return new FixedChannelPool(bootstrap, new UpstreamChannelHandler(key.origin(), sslContext),
                ChannelHealthChecker.ACTIVE, FixedChannelPool.AcquireTimeoutAction.FAIL,
                options.connectTimeout().toMillis(), options.maxConnections(), MAX_PENDING_ACQUIRES, true, true);
    }

    @Override
    public void close() {
        pools.values().forEach(FixedChannelPool::closeAsync);
        pools.clear();
    }

    private record Key(EventLoop loop, Origin origin) {
    }
}
