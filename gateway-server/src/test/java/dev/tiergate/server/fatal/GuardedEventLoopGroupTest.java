package dev.tiergate.server.fatal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.nio.NioIoHandler;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Netty swallows what a task throws; on these loops an out-of-memory error reaches the handler first. */
class GuardedEventLoopGroupTest {
    private final List<Throwable> handled = new CopyOnWriteArrayList<>();
    private final CountDownLatch reached = new CountDownLatch(1);
    private final GuardedEventLoopGroup group = new GuardedEventLoopGroup(1, "test-io", NioIoHandler.newFactory(), (thread, e) -> {
        handled.add(e);
        reached.countDown();
    });

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void anOutOfMemoryErrorInAnExecutedTaskReachesTheHandler() throws Exception {
        OutOfMemoryError oom = new OutOfMemoryError("test");
        group.execute(() -> {
            throw oom;
        });
        assertThat(reached.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(handled).containsExactly(oom);
    }

    @Test
    void anOutOfMemoryErrorInAScheduledTaskReachesTheHandler() throws Exception {
        OutOfMemoryError oom = new OutOfMemoryError("test");
        group.next().schedule(() -> {
            throw oom;
        }, 1, TimeUnit.MILLISECONDS);
        assertThat(reached.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(handled).containsExactly(oom);
    }

    @Test
    void otherFailuresAreLeftToNettyAndTheLoopGoesOn() throws Exception {
        group.execute(() -> {
            throw new IllegalStateException("test: a bug in a task");
        });
        CountDownLatch next = new CountDownLatch(1);
        group.execute(next::countDown);
        assertThat(next.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(handled).isEmpty();
        assertThat(group.next().inEventLoop()).isFalse();
    }
}
