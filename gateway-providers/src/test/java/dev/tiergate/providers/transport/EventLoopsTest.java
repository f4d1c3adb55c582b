package dev.tiergate.providers.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringSocketChannel;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** An upstream connection lives on the caller's loop, whichever transport that loop runs; else on the shared NIO group. */
class EventLoopsTest {
    @Test
    void aLoopOfEachTransportGetsItsOwnSocketChannelAndKeepsTheRequestOnIt() throws Exception {
        Map<Class<? extends Channel>, IoHandlerFactory> transports = new LinkedHashMap<>();
        transports.put(NioSocketChannel.class, NioIoHandler.newFactory());
        if (Epoll.isAvailable()) {
            transports.put(EpollSocketChannel.class, EpollIoHandler.newFactory());
        }
        if (IoUring.isAvailable()) {
            transports.put(IoUringSocketChannel.class, IoUringIoHandler.newFactory());
        }
        for (var transport : transports.entrySet()) {
            EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, transport.getValue());
            try {
                var loop = group.next();
                assertThat(EventLoops.channelType(loop)).isEqualTo(transport.getKey());
                assertThat(EventLoops.select(loop)).isSameAs(loop);
            } finally {
                group.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
            }
        }
    }

    @Test
    void anExecutorThatIsNoLoopGetsTheSharedNioGroup() {
        var executor = Executors.newSingleThreadExecutor();
        try {
            var loop = EventLoops.select(executor);
            assertThat(EventLoops.channelType(loop)).isEqualTo(NioSocketChannel.class);
        } finally {
            executor.shutdownNow();
        }
    }
}
