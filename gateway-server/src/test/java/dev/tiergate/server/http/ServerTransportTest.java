package dev.tiergate.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tiergate.server.fatal.GuardedEventLoopGroup;
import dev.tiergate.server.http.ServerTransport.Availability;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ServerTransportTest {
    private static final Availability NO_EPOLL =
            new Availability(false, new UnsatisfiedLinkError("no libnetty_transport_native_epoll"));
    private static final Availability NO_IO_URING =
            new Availability(false, new UnsupportedOperationException("io_uring_setup: Operation not permitted"));
    private static final Availability YES = Availability.YES;

    @Test
    void autoTakesIoUringWhereTheKernelAllowsItThenEpollThenNio() {
        assertThat(ServerTransport.choose("auto", YES, YES).name()).isEqualTo("io_uring");
        assertThat(ServerTransport.choose("auto", NO_IO_URING, YES).name()).isEqualTo("epoll");
        assertThat(ServerTransport.choose("auto", NO_IO_URING, NO_EPOLL).name()).isEqualTo("nio");
        assertThat(ServerTransport.choose(" AUTO ", YES, YES).name()).isEqualTo("io_uring");
    }

    @Test
    void eachTransportCanBeAskedForWhereItLoads() {
        assertThat(ServerTransport.choose("nio", YES, YES).serverChannel()).isEqualTo(NioServerSocketChannel.class);
        assertThat(ServerTransport.choose("epoll", YES, YES)).isEqualTo(ServerTransport.EPOLL);
        assertThat(ServerTransport.choose("IO_URING", YES, NO_EPOLL)).isEqualTo(ServerTransport.IO_URING);
    }

    @Test
    void aNativeTransportAskedForWhereItCannotLoadFailsWithTheReason() {
        assertThatThrownBy(() -> ServerTransport.choose("epoll", YES, NO_EPOLL))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("tiergate.transport=epoll")
                .hasMessageContaining("no libnetty_transport_native_epoll");
        assertThatThrownBy(() -> ServerTransport.choose("io_uring", NO_IO_URING, YES))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("tiergate.transport=io_uring")
                .hasMessageContaining("Operation not permitted");
    }

    @Test
    void anUnknownSettingIsRejected() {
        assertThatThrownBy(() -> ServerTransport.choose("kqueue", YES, YES))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("auto, io_uring, epoll or nio");
    }

    /**
     * The jar ships epoll's and io_uring's native libraries for linux-x86_64: there epoll loads, and
     * the gateway takes io_uring when the kernel allows it (a container's seccomp profile may not).
     */
    @Test
    void onLinuxX8664EpollLoadsAndIoUringIsTakenWhereTheKernelAllowsIt() {
        assumeTrue(System.getProperty("os.name").equals("Linux") && System.getProperty("os.arch").equals("amd64"));
        assertThat(Epoll.isAvailable()).as(String.valueOf(Epoll.unavailabilityCause())).isTrue();
        assertThat(ServerTransport.detect().name()).isEqualTo(IoUring.isAvailable() ? "io_uring" : "epoll");
    }

    @Test
    void theListeningChannelMatchesTheLoopsTransport() throws Exception {
        List<ServerTransport> transports = new ArrayList<>(List.of(ServerTransport.NIO));
        if (Epoll.isAvailable()) {
            transports.add(ServerTransport.EPOLL);
        }
        if (IoUring.isAvailable()) {
            transports.add(ServerTransport.IO_URING);
        }
        for (ServerTransport transport : transports) {
            EventLoopGroup group = new GuardedEventLoopGroup(1, "transport-test", transport.newIoHandlerFactory(),
                    (thread, e) -> { });
            try {
                assertThat(ServerTransport.serverChannelFor(group)).isEqualTo(transport.serverChannel());
            } finally {
                group.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
            }
        }
    }
}
