package dev.tiergate.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tiergate.server.fatal.GuardedEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import org.junit.jupiter.api.Test;

class ServerTransportTest {
    private static final Throwable WHY = new UnsatisfiedLinkError("no libnetty_transport_native_epoll");

    @Test
    void autoTakesEpollWhereItLoadsAndNioElsewhere() {
        assertThat(ServerTransport.choose("auto", true, null).name()).isEqualTo("epoll");
        assertThat(ServerTransport.choose("auto", false, WHY).name()).isEqualTo("nio");
        assertThat(ServerTransport.choose(" AUTO ", true, null).name()).isEqualTo("epoll");
    }

    @Test
    void nioCanBeAskedForWhereEpollLoads() {
        assertThat(ServerTransport.choose("nio", true, null).serverChannel()).isEqualTo(NioServerSocketChannel.class);
    }

    @Test
    void epollAskedForWhereItCannotLoadFailsWithTheReason() {
        assertThatThrownBy(() -> ServerTransport.choose("epoll", false, WHY))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("tiergate.transport=epoll")
                .hasMessageContaining("no libnetty_transport_native_epoll");
    }

    @Test
    void anUnknownSettingIsRejected() {
        assertThatThrownBy(() -> ServerTransport.choose("io_uring", true, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("auto, epoll or nio");
    }

    /** The jar ships epoll's native library for linux-x86_64: where that is the platform, it loads. */
    @Test
    void epollLoadsOnLinuxX8664() {
        assumeTrue(System.getProperty("os.name").equals("Linux") && System.getProperty("os.arch").equals("amd64"));
        assertThat(Epoll.isAvailable()).as(String.valueOf(Epoll.unavailabilityCause())).isTrue();
        assertThat(ServerTransport.detect().name()).isEqualTo("epoll");
    }

    @Test
    void theListeningChannelMatchesTheLoopsTransport() throws Exception {
        for (ServerTransport transport : new ServerTransport[] {ServerTransport.NIO, epollWhereAvailable()}) {
            EventLoopGroup group = new GuardedEventLoopGroup(1, "transport-test", transport.newIoHandlerFactory(),
                    (thread, e) -> { });
            try {
                assertThat(ServerTransport.serverChannelFor(group)).isEqualTo(transport.serverChannel());
            } finally {
                group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS).sync();
            }
        }
    }

    private static ServerTransport epollWhereAvailable() {
        return Epoll.isAvailable() ? ServerTransport.EPOLL : ServerTransport.NIO;
    }
}
