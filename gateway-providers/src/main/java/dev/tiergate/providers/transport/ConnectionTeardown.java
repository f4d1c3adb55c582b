package dev.tiergate.providers.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.socket.DuplexChannel;

/**
 * Closes an upstream connection so that the upstream learns of it at once: the socket is shut down
 * in both directions first (FIN now; whatever the upstream sends after it is answered with a reset),
 * then closed.
 *
 * <p>Why not a plain close: on io_uring (Netty 4.2.18, and 4.2.21 alike) a closed connection's socket
 * could outlive its close. A poll request the transport no longer tracked still held the socket, so
 * close(2) on its descriptor neither sent FIN nor reset, and an upstream whose stream the gateway
 * had abandoned (its client gone) went on sending into a socket no one read, for good: in 1 of about
 * 15 rounds of 300 abandoned streams, the ring's {@code /proc/PID/fdinfo} listing the poll and
 * {@code ss} the socket with no process. shutdown(2) acts on the socket itself, whoever holds it.
 *
 * <p>Not while a write is in flight (the request still going out): Netty's output shutdown then
 * races the write's completion (netty/netty#17237); such a connection is closed as it is.
 */
final class ConnectionTeardown {
    private ConnectionTeardown() {
    }

    /** Shuts {@code channel} down where that is safe, then closes it; on its event loop. */
    static void close(Channel channel) {
        if (channel instanceof DuplexChannel duplex && channel.isActive() && nothingInFlight(channel)) {
            duplex.shutdown();
        }
        channel.close();
    }

    private static boolean nothingInFlight(Channel channel) {
        ChannelOutboundBuffer outbound = channel.unsafe().outboundBuffer();
        return outbound != null && outbound.isEmpty();
    }
}
