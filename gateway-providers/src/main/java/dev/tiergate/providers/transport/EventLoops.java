package dev.tiergate.providers.transport;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandler;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.stream.Stream;

/**
 * Picks the event loop an upstream connection lives on: the caller's own Netty loop when it is
 * one (NIO, epoll or io_uring), so a request never changes threads; otherwise a small shared NIO
 * group. The native transports' classes are looked up by name: a jar without them still runs.
 */
final class EventLoops {
    private static final int FALLBACK_THREADS = 2;
    private static final List<NativeTransport> NATIVE = Stream.of(
                    NativeTransport.named("io.netty.channel.uring.IoUringIoHandler", "io.netty.channel.uring.IoUringSocketChannel"),
                    NativeTransport.named("io.netty.channel.epoll.EpollIoHandler", "io.netty.channel.epoll.EpollSocketChannel"))
            .flatMap(Optional::stream).toList();

    private EventLoops() {
    }

    static EventLoop select(Executor executor) {
        if (executor instanceof EventLoop loop && channelType(loop) != null) {
            return loop;
        }
        return Fallback.GROUP.next();
    }

    /** The socket channel class that can register with {@code loop}, or null when none we know of. */
    static Class<? extends Channel> channelType(EventLoop loop) {
        if (loop instanceof IoEventLoop io) {
            if (io.isIoType(NioIoHandler.class)) {
                return NioSocketChannel.class;
            }
            for (NativeTransport transport : NATIVE) {
                if (io.isIoType(transport.handler())) {
                    return transport.channel();
                }
            }
        }
        return null;
    }

    /** Created on first use, daemon threads: lives as long as the JVM. */
    private static final class Fallback {
        static final EventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(FALLBACK_THREADS,
                new DefaultThreadFactory("tiergate-upstream", true), NioIoHandler.newFactory());
    }

    /** A native transport's loop handler and socket channel classes. */
    private record NativeTransport(Class<? extends IoHandler> handler, Class<? extends Channel> channel) {
        /** The transport of these class names, or empty when its classes are not on the class path. */
        static Optional<NativeTransport> named(String handler, String channel) {
            try {
                ClassLoader cl = EventLoops.class.getClassLoader();
                return Optional.of(new NativeTransport(Class.forName(handler, false, cl).asSubclass(IoHandler.class),
                        Class.forName(channel, false, cl).asSubclass(Channel.class)));
            } catch (ClassNotFoundException | LinkageError e) {
                return Optional.empty();
            }
        }
    }
}
