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
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The I/O transport the gateway's event loops and listening sockets use: Linux's native epoll
 * where it loads (fewer copies and wake-ups than the JDK's selector: see docs/benchmarks.md),
 * else the JDK's NIO. The system property {@value #PROPERTY} ({@code auto}, {@code epoll} or
 * {@code nio}) overrides the choice; {@code epoll} where it cannot load fails at start.
 *
 * @param name         what the logs call it: {@code epoll} or {@code nio}
 * @param ioHandlers   the event loops' I/O handler factory
 * @param serverChannel the listening socket's channel class, which must match the loops' handler
 */
public record ServerTransport(String name, Supplier<IoHandlerFactory> ioHandlers,
                              Class<? extends ServerChannel> serverChannel) {

    public static final String PROPERTY = "tiergate.transport";

    static final ServerTransport EPOLL = new ServerTransport("epoll", EpollIoHandler::newFactory,
            EpollServerSocketChannel.class);
    static final ServerTransport NIO = new ServerTransport("nio", NioIoHandler::newFactory,
            NioServerSocketChannel.class);

    /** The transport for this process: {@value #PROPERTY} if set, else epoll where available. */
    public static ServerTransport detect() {
        return choose(System.getProperty(PROPERTY, "auto"), Epoll.isAvailable(), Epoll.unavailabilityCause());
    }

    /** What {@code setting} picks when epoll {@code epollAvailable} (else failed with {@code why}). */
    static ServerTransport choose(String setting, boolean epollAvailable, Throwable why) {
        return switch (setting.trim().toLowerCase(Locale.ROOT)) {
            case "auto", "" -> epollAvailable ? EPOLL : NIO;
            case "nio" -> NIO;
            case "epoll" -> {
                if (!epollAvailable) {
                    throw new IllegalStateException("-D" + PROPERTY + "=epoll but epoll is not available here"
                            + (why == null ? "" : ": " + why.getMessage()), why);
                }
                yield EPOLL;
            }
            default -> throw new IllegalArgumentException("-D" + PROPERTY + " must be auto, epoll or nio, not '"
                    + setting + "'");
        };
    }

    /** The listening channel class that registers with {@code group}'s loops. */
    public static Class<? extends ServerChannel> serverChannelFor(EventLoopGroup group) {
        if (group instanceof IoEventLoopGroup io && io.isIoType(EpollIoHandler.class)) {
            return EPOLL.serverChannel();
        }
        return NIO.serverChannel();
    }

    public IoHandlerFactory newIoHandlerFactory() {
        return ioHandlers.get();
    }
}
