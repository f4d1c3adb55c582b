package dev.tiergate.server.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The collector's meters read when they are scraped, not pushed per collection: Micrometer's
 * {@code JvmGcMetrics} subscribes to the JVM's notification of every collection, which the JVM then
 * builds (memory usage of every pool before and after) and hands to a thread of its own, a few
 * percent of the gateway's CPU under load with a small young generation (several collections a
 * second). Registered under the names that binder uses:
 * <ul>
 *   <li>{@code jvm.gc.pause} (a function timer per collector, tag {@code gc}: the collector's name):
 *       collections and the total time they took, without the binder's per-cause split and maximum;</li>
 *   <li>{@code jvm.gc.memory.allocated}: bytes allocated by every thread since start;</li>
 *   <li>{@code jvm.gc.live.data.size} / {@code jvm.gc.max.data.size}: the old generation after its
 *       last collection and its maximum.</li>
 * </ul>
 */
final class PolledGcMetrics implements MeterBinder {
    @Override
    public void bindTo(MeterRegistry registry) {
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            FunctionTimer.builder("jvm.gc.pause", collector, c -> Math.max(0, c.getCollectionCount()),
                            c -> Math.max(0, c.getCollectionTime()), TimeUnit.MILLISECONDS)
                    .tag("gc", collector.getName())
                    .description("collections by this collector and the time they took (the world stopped or not)")
                    .register(registry);
        }
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads
                && threads.isThreadAllocatedMemorySupported()) {
            FunctionCounter.builder("jvm.gc.memory.allocated", threads, PolledGcMetrics::allocatedBytes)
                    .baseUnit("bytes").description("bytes allocated in the heap by all threads since start")
                    .register(registry);
        }
        MemoryPoolMXBean oldGeneration = oldGeneration(ManagementFactory.getMemoryPoolMXBeans());
        if (oldGeneration != null) {
            Gauge.builder("jvm.gc.live.data.size", oldGeneration, PolledGcMetrics::usedAfterCollection)
                    .baseUnit("bytes").description("the old generation's size after its last collection")
                    .register(registry);
            Gauge.builder("jvm.gc.max.data.size", oldGeneration, pool -> pool.getUsage().getMax())
                    .baseUnit("bytes").description("the old generation's maximum size").register(registry);
        }
    }

    private static double allocatedBytes(com.sun.management.ThreadMXBean threads) {
        long bytes = threads.getTotalThreadAllocatedBytes();
        return bytes < 0 ? Double.NaN : bytes;
    }

    private static double usedAfterCollection(MemoryPoolMXBean pool) {
        MemoryUsage after = pool.getCollectionUsage();
        return after == null ? Double.NaN : after.getUsed();
    }

    /** The heap pool that holds long-lived objects (Serial's and Parallel's old gen, G1's old gen), or null. */
    private static MemoryPoolMXBean oldGeneration(List<MemoryPoolMXBean> pools) {
        for (MemoryPoolMXBean pool : pools) {
            String name = pool.getName();
            if (pool.getType() == MemoryType.HEAP && (name.contains("Old Gen") || name.contains("Tenured"))) {
                return pool;
            }
        }
        return null;
    }
}
