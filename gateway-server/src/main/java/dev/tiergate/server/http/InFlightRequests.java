package dev.tiergate.server.http;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the requests being answered (streams until their last byte), so that a stopping gateway
 * can let them finish. Once {@link #startDraining() draining}, responses ask clients to close
 * their connections, so that keep-alive clients move to another replica.
 */
public final class InFlightRequests {
    private final AtomicInteger count = new AtomicInteger();
    private final Object lock = new Object();
    private volatile boolean draining;

    void started() {
        count.incrementAndGet();
    }

    void finished() {
        if (count.decrementAndGet() == 0) {
            synchronized (lock) {
                lock.notifyAll();
            }
        }
    }

    public int count() {
        return count.get();
    }

    public boolean draining() {
        return draining;
    }

    public void startDraining() {
        draining = true;
    }

    /** Waits until no request is in flight or {@code grace} has passed; returns how many are left. */
    public int awaitIdle(Duration grace) throws InterruptedException {
        long deadline = System.nanoTime() + grace.toNanos();
        synchronized (lock) {
            while (count.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
        }
        return count.get();
    }
}
