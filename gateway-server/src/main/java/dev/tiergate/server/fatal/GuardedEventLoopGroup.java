package dev.tiergate.server.fatal;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.error.FatalErrors;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SingleThreadIoEventLoop;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * Event loops (of whichever transport: NIO, epoll or io_uring) on which an {@link OutOfMemoryError} is never swallowed. Netty catches what a
 * task throws, logs it and runs the next one, so a loop whose allocations fail would go on half
 * dead; here the loops' threads carry the gateway's uncaught-exception handler, and every task
 * given to {@code execute} or {@code schedule} hands what it throws to {@link FatalErrors#escalate}
 * before Netty sees it. (Errors inside a channel's handlers reach its {@code exceptionCaught},
 * which escalates them itself.)
 */
public final class GuardedEventLoopGroup extends MultiThreadIoEventLoopGroup {

    public GuardedEventLoopGroup(int threads, String name, IoHandlerFactory io,
                                 Thread.UncaughtExceptionHandler handler) {
        super(threads, threadFactory(name, handler), io);
    }

    private static ThreadFactory threadFactory(String name, Thread.UncaughtExceptionHandler handler) {
        return new DefaultThreadFactory(name) {
            @Override
            protected Thread newThread(Runnable r, String threadName) {
                Thread thread = super.newThread(r, threadName);
                thread.setUncaughtExceptionHandler(handler);
                return thread;
            }
        };
    }

    @Override
    protected IoEventLoop newChild(Executor executor, IoHandlerFactory ioHandlerFactory, Object... args) {
        return new GuardedEventLoop(this, executor, ioHandlerFactory);
    }

    private static Runnable guarded(Runnable task) {
        requireNonNull(task, "task");
        return () -> {
            try {
                task.run();
            } catch (Throwable t) {
                FatalErrors.escalate(t);
                throw t;
            }
        };
    }

    private static <V> Callable<V> guarded(Callable<V> task) {
        requireNonNull(task, "task");
        return () -> {
            try {
                return task.call();
            } catch (Throwable t) {
                FatalErrors.escalate(t);
                throw t;
            }
        };
    }

    /** One loop: its tasks are wrapped on the way in. */
    private static final class GuardedEventLoop extends SingleThreadIoEventLoop {
        GuardedEventLoop(IoEventLoopGroup parent, Executor executor, IoHandlerFactory ioHandlerFactory) {
            super(parent, executor, ioHandlerFactory);
        }

        @Override
        public void execute(Runnable task) {
            super.execute(guarded(task));
        }

        @Override
        public void lazyExecute(Runnable task) {
            super.lazyExecute(guarded(task));
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            return super.schedule(guarded(command), delay, unit);
        }

        @Override
        public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
            return super.schedule(guarded(callable), delay, unit);
        }

        @Override
        public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
            return super.scheduleAtFixedRate(guarded(command), initialDelay, period, unit);
        }

        @Override
        public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay,
                                                         TimeUnit unit) {
            return super.scheduleWithFixedDelay(guarded(command), initialDelay, delay, unit);
        }
    }
}
