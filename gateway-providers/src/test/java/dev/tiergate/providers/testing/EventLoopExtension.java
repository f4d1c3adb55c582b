package dev.tiergate.providers.testing;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One Netty event loop for a test class, the executor the calls run on as they do in the server:
 * {@code @RegisterExtension static final EventLoopExtension loop = new EventLoopExtension();}.
 */
public final class EventLoopExtension implements BeforeAllCallback, AfterAllCallback {
    private EventLoopGroup group;

    @Override
    public void beforeAll(ExtensionContext context) {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** The loop, as the executor of a {@code ProviderCall}. */
    public ScheduledExecutorService next() {
        return group.next();
    }
}
