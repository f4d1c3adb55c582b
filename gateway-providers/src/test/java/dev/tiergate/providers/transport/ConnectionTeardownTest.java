package dev.tiergate.providers.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An upstream connection the gateway gives up on ends for the upstream at once on every transport:
 * its reads see the end, its writes fail soon after, and the channel closes (the shutdown before
 * the close does not keep the close from completing).
 */
class ConnectionTeardownTest {
    @Test
    void theUpstreamSeesTheEndAndTheChannelClosesOnEveryTransport() throws Exception {
        for (LoopTransport transport : LoopTransport.available()) {
            EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, transport.handlers());
            try (ServerSocket upstream = new ServerSocket(0)) {
                CompletableFuture<Void> sawEnd = new CompletableFuture<>();
                CompletableFuture<Void> writeFailed = new CompletableFuture<>();
                Thread.ofVirtual().start(() -> streamUntilCut(upstream, sawEnd, writeFailed));

                var loop = group.next();
                Channel channel = new Bootstrap().group(loop).channel(EventLoops.channelType(loop))
                        .option(ChannelOption.AUTO_READ, false)
                        .handler(new ChannelInboundHandlerAdapter())
                        .connect(new InetSocketAddress("127.0.0.1", upstream.getLocalPort())).sync().channel();
                channel.writeAndFlush(Unpooled.copiedBuffer("GET / HTTP/1.1\r\n\r\n", StandardCharsets.US_ASCII)).sync();
                channel.read();
                Thread.sleep(100);   // some of the stream read, more of it waiting in the socket
                loop.submit(() -> ConnectionTeardown.close(channel)).sync();

                assertThat(channel.closeFuture().await(5, TimeUnit.SECONDS)).as(transport.name() + ": closed").isTrue();
                sawEnd.get(5, TimeUnit.SECONDS);
                writeFailed.get(5, TimeUnit.SECONDS);
            } finally {
                group.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
            }
        }
    }

    /** An upstream that streams 1 KB every 20 ms to its one connection while reading what comes. */
    private static void streamUntilCut(ServerSocket server, CompletableFuture<Void> sawEnd,
                                       CompletableFuture<Void> writeFailed) {
        try (Socket socket = server.accept()) {
            Thread.ofVirtual().start(() -> {
                try {
                    InputStream in = socket.getInputStream();
                    while (in.read() >= 0) {
                        // the request, then nothing until the end
                    }
                    sawEnd.complete(null);
                } catch (IOException reset) {
                    sawEnd.complete(null);   // a reset is an end too
                }
            });
            OutputStream out = socket.getOutputStream();
            byte[] chunk = new byte[1024];
            try {
                while (true) {
                    out.write(chunk);
                    Thread.sleep(20);
                }
            } catch (IOException cut) {
                writeFailed.complete(null);
            }
        } catch (IOException | InterruptedException e) {
            writeFailed.completeExceptionally(e);
        }
    }
}
