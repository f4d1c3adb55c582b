package dev.tiergate.providers.transport;

import io.netty.channel.Channel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringSocketChannel;
import java.util.ArrayList;
import java.util.List;

/** An event-loop transport, and those this machine runs (NIO always, epoll and io_uring where they load), for tests that try each. */
record LoopTransport(String name, IoHandlerFactory handlers, Class<? extends Channel> socketChannel) {
    static List<LoopTransport> available() {
        List<LoopTransport> transports = new ArrayList<>();
        transports.add(new LoopTransport("nio", NioIoHandler.newFactory(), NioSocketChannel.class));
        if (Epoll.isAvailable()) {
            transports.add(new LoopTransport("epoll", EpollIoHandler.newFactory(), EpollSocketChannel.class));
        }
        if (IoUring.isAvailable()) {
            transports.add(new LoopTransport("io_uring", IoUringIoHandler.newFactory(), IoUringSocketChannel.class));
        }
        return transports;
    }
}
