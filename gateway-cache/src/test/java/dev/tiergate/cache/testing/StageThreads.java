package dev.tiergate.cache.testing;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The threads a cache stage test runs on, as in the server: one event loop the request starts on,
 * and a small bounded pool of embedding workers (two threads, sixteen queued tasks).
 */
public final class StageThreads implements AutoCloseable {
    private final ScheduledExecutorService eventLoop = Executors.newSingleThreadScheduledExecutor(
            r -> new Thread(r, "event-loop"));
    private final ThreadPoolExecutor workers = new ThreadPoolExecutor(2, 2, 1, TimeUnit.MINUTES,
            new ArrayBlockingQueue<>(16), r -> new Thread(r, "embedding-worker"));

    public ScheduledExecutorService eventLoop() {
        return eventLoop;
    }

    public ThreadPoolExecutor workers() {
        return workers;
    }

    /** Waits (at most 20 s) until {@code counter} reaches {@code expected}: stores happen on a worker after the answer. */
    public static void awaitCount(LongSupplier counter, long expected) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (counter.getAsLong() < expected) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + expected + " stores, saw " + counter.getAsLong());
            }
            Thread.onSpinWait();
        }
    }

    @Override
    public void close() {
        eventLoop.shutdownNow();
        workers.shutdownNow();
    }
}
