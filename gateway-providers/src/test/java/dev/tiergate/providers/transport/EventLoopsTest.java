package dev.tiergate.providers.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** An upstream connection lives on the caller's loop, whichever transport that loop runs; else on the shared NIO group. */
class EventLoopsTest {
    @Test
    void aLoopOfEachTransportGetsItsOwnSocketChannelAndKeepsTheRequestOnIt() throws Exception {
        for (LoopTransport transport : LoopTransport.available()) {
            EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, transport.handlers());
            try {
                var loop = group.next();
                assertThat(EventLoops.channelType(loop)).as(transport.name()).isEqualTo(transport.socketChannel());
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
