package dev.tiergate.server.health;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;

/** How full the heap is once garbage is collected: what a gateway can count on keeping. */
@FunctionalInterface
public interface HeapReading {
    /** Bytes still used after the last collection of each heap pool, as a share of the maximum heap (0 to 1); NaN when unknown. */
    double usedAfterGc();

    /**
     * From the JVM's heap pools: the sum of each pool's usage after its last collection (for G1 and
     * the others mostly the old generation's), over the maximum heap. Cheap enough to read on
     * every {@code /readyz}.
     */
    static HeapReading fromMemoryPools() {
        List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP && pool.isCollectionUsageThresholdSupported())
                .toList();
        long max = Runtime.getRuntime().maxMemory();
        return () -> {
            if (pools.isEmpty() || max <= 0 || max == Long.MAX_VALUE) {
                return Double.NaN;
            }
            long used = 0;
            for (MemoryPoolMXBean pool : pools) {
                MemoryUsage afterGc = pool.getCollectionUsage();
                used += afterGc == null ? 0 : afterGc.getUsed();
            }
            return (double) used / max;
        };
    }
}
