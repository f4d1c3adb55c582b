package dev.tiergate.core.memory;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A number of bytes that many holders share, taken before memory is used and given back after:
 * request bodies being read, answers being recorded for the caches. Thread-safe; a take that
 * does not fit fails at once, so the holder refuses or lets go instead of growing.
 */
public final class ByteBudget {
    private final long limit;
    private final AtomicLong held = new AtomicLong();

    public ByteBudget(long limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit: " + limit + " (expected: >= 0)");
        }
        this.limit = limit;
    }

    /** Takes {@code bytes} if they fit; false (nothing taken) when they do not. Taking 0 always succeeds. */
    public boolean tryTake(long bytes) {
        while (true) {
            long now = held.get();
            if (bytes > 0 && now + bytes > limit) {
                return false;
            }
            if (held.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    public void giveBack(long bytes) {
        held.addAndGet(-bytes);
    }

    /** The bytes held now. */
    public long held() {
        return held.get();
    }

    public long limit() {
        return limit;
    }
}
