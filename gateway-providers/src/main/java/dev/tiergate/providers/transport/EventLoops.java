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
import java.util.concurrent.Executor;

/**
 * Picks the event loop an upstream connection lives on: the caller's own Netty loop when it is
 * one (NIO or epoll), so a request never changes threads; otherwise a small shared NIO group.
 * Epoll is on the runtime class path only, so its classes are looked up by name.
 */
final class EventLoops {
    private static final int FALLBACK_THREADS = 2;

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
            if (Epoll.HANDLER != null && io.isIoType(Epoll.HANDLER)) {
                return Epoll.CHANNEL;
            }
        }
        return null;
    }

    /** Created on first use, daemon threads: lives as long as the JVM. */
    private static final class Fallback {
        static final EventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(FALLBACK_THREADS,
                new DefaultThreadFactory("tiergate-upstream", true), NioIoHandler.newFactory());
    }

    /** Epoll's handler and channel classes, or nulls when epoll is not on the class path. */
    private static final class Epoll {
        static final Class<? extends IoHandler> HANDLER;
        static final Class<? extends Channel> CHANNEL;

        static {
            Class<? extends IoHandler> handler = null;
            Class<? extends Channel> channel = null;
            try {
                ClassLoader cl = EventLoops.class.getClassLoader();
                handler = Class.forName("io.netty.channel.epoll.EpollIoHandler", false, cl).asSubclass(IoHandler.class);
                channel = Class.forName("io.netty.channel.epoll.EpollSocketChannel", false, cl).asSubclass(Channel.class);
            } catch (ClassNotFoundException | LinkageError e) {
                handler = null;
                channel = null;
            }
            HANDLER = handler;
            CHANNEL = channel;
        }
    }
}
