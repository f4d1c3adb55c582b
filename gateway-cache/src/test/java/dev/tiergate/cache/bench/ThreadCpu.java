package dev.tiergate.cache.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The CPU time the benchmark thread itself spent, beside JMH's wall time: on a machine shared with
 * other builds the wall time includes time the thread waited for a core; {@code cpuMicros /
 * calls} is the work per call. JMH reports both counters per iteration (type EVENTS: totals).
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class ThreadCpu {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    public long cpuMicros;
    public long calls;
    private long started;

    @Setup(Level.Iteration)
    public void reset() {
        cpuMicros = 0;
        calls = 0;
    }

    void start() {
        started = THREADS.getCurrentThreadCpuTime();
    }

    void stop() {
        cpuMicros += (THREADS.getCurrentThreadCpuTime() - started) / 1000;
        calls++;
    }
}
