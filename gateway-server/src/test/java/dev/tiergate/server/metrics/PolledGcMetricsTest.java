package dev.tiergate.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class PolledGcMetricsTest {
    @Test
    void readsCollectionsAllocationAndTheOldGenerationWhenAsked() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new PolledGcMetrics().bindTo(registry);

        assertThat(registry.find("jvm.gc.pause").functionTimers())
                .hasSize(ManagementFactory.getGarbageCollectorMXBeans().size());
        double collectionsBefore = collections(registry);
        FunctionCounter allocated = registry.get("jvm.gc.memory.allocated").functionCounter();
        double allocatedBefore = allocated.count();

        byte[][] garbage = new byte[64][];
        for (int i = 0; i < garbage.length; i++) {
            garbage[i] = new byte[64 * 1024];
        }
        System.gc();

        assertThat(garbage[63]).hasSize(64 * 1024);
        assertThat(allocated.count()).isGreaterThanOrEqualTo(allocatedBefore + 64 * 64 * 1024);
        assertThat(collections(registry)).isGreaterThan(collectionsBefore);
        Gauge live = registry.get("jvm.gc.live.data.size").gauge();
        Gauge max = registry.get("jvm.gc.max.data.size").gauge();
        assertThat(live.value()).isPositive();
        assertThat(max.value()).isGreaterThanOrEqualTo(live.value());
    }

    private static double collections(SimpleMeterRegistry registry) {
        return registry.find("jvm.gc.pause").functionTimers().stream().mapToDouble(FunctionTimer::count).sum();
    }
}
