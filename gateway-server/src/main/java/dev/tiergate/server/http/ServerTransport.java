package dev.tiergate.server.http;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The I/O transport the gateway's event loops and listening sockets use: Linux's io_uring where
 * the kernel allows it (one system call submits a loop turn's reads and writes and reaps their
 * completions: a quarter less CPU per proxied request than epoll here, see docs/benchmarks.md),
 * else Linux's native epoll where it loads (fewer copies and wake-ups than the JDK's selector),
 * else the JDK's NIO. Containers often forbid io_uring (Docker's default seccomp profile does):
 * there the gateway takes epoll. The system property {@value #PROPERTY} ({@code auto},
 * {@code io_uring}, {@code epoll} or {@code nio}) overrides the choice; a native transport asked
 * for where it cannot load fails at start.
 *
 * @param name         what the logs call it: {@code io_uring}, {@code epoll} or {@code nio}
 * @param ioHandlers   the event loops' I/O handler factory
 * @param serverChannel the listening socket's channel class, which must match the loops' handler
 */
public record ServerTransport(String name, Supplier<IoHandlerFactory> ioHandlers,
                              Class<? extends ServerChannel> serverChannel) {

    public static final String PROPERTY = "tiergate.transport";

    static final ServerTransport IO_URING = new ServerTransport("io_uring", IoUringIoHandler::newFactory,
            IoUringServerSocketChannel.class);
    static final ServerTransport EPOLL = new ServerTransport("epoll", EpollIoHandler::newFactory,
            EpollServerSocketChannel.class);
    static final ServerTransport NIO = new ServerTransport("nio", NioIoHandler::newFactory,
            NioServerSocketChannel.class);

    /** Whether a native transport loads here, and why not when it does not. */
    record Availability(boolean available, Throwable why) {
        static final Availability YES = new Availability(true, null);
    }

    /** The transport for this process: {@value #PROPERTY} if set, else the best that loads. */
    public static ServerTransport detect() {
        return choose(System.getProperty(PROPERTY, "auto"),
                new Availability(IoUring.isAvailable(), IoUring.unavailabilityCause()),
                new Availability(Epoll.isAvailable(), Epoll.unavailabilityCause()));
    }

    /** What {@code setting} picks given whether io_uring and epoll load. */
    static ServerTransport choose(String setting, Availability ioUring, Availability epoll) {
        return switch (setting.trim().toLowerCase(Locale.ROOT)) {
            case "auto", "" -> ioUring.available() ? IO_URING : epoll.available() ? EPOLL : NIO;
            case "nio" -> NIO;
            case "epoll" -> required(EPOLL, epoll);
            case "io_uring" -> required(IO_URING, ioUring);
            default -> throw new IllegalArgumentException("-D" + PROPERTY + " must be auto, io_uring, epoll or nio, not '"
                    + setting + "'");
        };
    }

    private static ServerTransport required(ServerTransport transport, Availability availability) {
        if (!availability.available()) {
            Throwable why = availability.why();
            throw new IllegalStateException("-D" + PROPERTY + "=" + transport.name() + " but " + transport.name()
                    + " is not available here" + (why == null ? "" : ": " + why.getMessage()), why);
        }
        return transport;
    }

    /** The listening channel class that registers with {@code group}'s loops. */
    public static Class<? extends ServerChannel> serverChannelFor(EventLoopGroup group) {
        if (group instanceof IoEventLoopGroup io) {
            if (io.isIoType(IoUringIoHandler.class)) {
                return IO_URING.serverChannel();
            }
            if (io.isIoType(EpollIoHandler.class)) {
                return EPOLL.serverChannel();
            }
        }
        return NIO.serverChannel();
    }

    public IoHandlerFactory newIoHandlerFactory() {
        return ioHandlers.get();
    }
}
