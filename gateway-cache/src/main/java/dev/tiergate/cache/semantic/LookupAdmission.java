package dev.tiergate.cache.semantic;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Admits lookups while they keep up. After a lookup took longer than {@code slowNanos} (its workers
 * starved of CPU: on a saturated machine, lookups in the background wait for idle CPU that does not
 * come) it admits one lookup per {@code probeIntervalNanos} and sheds the rest, until an admitted one
 * comes back in time. So under saturation few requests wait on a lookup that will end late, and the
 * cache looks up again as soon as the machine has room.
 */
final class LookupAdmission {
    private final long slowNanos;
    private final long probeIntervalNanos;
    private volatile boolean behind;
    private final AtomicLong lastProbe = new AtomicLong();

    LookupAdmission(long slowNanos, long probeIntervalNanos) {
        if (slowNanos <= 0 || probeIntervalNanos <= 0) {
            throw new IllegalArgumentException("slowNanos " + slowNanos + ", probeIntervalNanos " + probeIntervalNanos
                    + " (expected: > 0)");
        }
        this.slowNanos = slowNanos;
        this.probeIntervalNanos = probeIntervalNanos;
    }

    /** Whether a lookup starting at {@code nowNanos} may go ahead. */
    boolean admit(long nowNanos) {
        if (!behind) {
            lastProbe.set(nowNanos);   // the next probe comes an interval after the last lookup admitted
            return true;
        }
        long last = lastProbe.get();
        return nowNanos - last >= probeIntervalNanos && lastProbe.compareAndSet(last, nowNanos);
    }

    /** What an admitted lookup took, until its answer or its deadline. */
    void took(long nanos) {
        behind = nanos > slowNanos;
    }

    boolean behind() {
        return behind;
    }
}
