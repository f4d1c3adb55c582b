package dev.tiergate.core.testing;

import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;

/**
 * The heap in use after full collections: what a store holds is the difference across filling it.
 * Tests here run one at a time in their module's JVM, so little else allocates meanwhile; a measured
 * store should hold megabytes, well above what the JVM itself moves between two readings.
 */
public final class HeapInUse {
    private HeapInUse() {
    }

    /** The heap's used bytes after three requested full collections. */
    public static long afterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /**
     * {@link #afterGc()} with {@code measured} kept reachable until the reading is taken: a store
     * the test no longer uses after filling it may otherwise be collected first, and measure as nothing.
     */
    public static long afterGc(Object measured) throws InterruptedException {
        long used = afterGc();
        Reference.reachabilityFence(measured);
        return used;
    }
}
