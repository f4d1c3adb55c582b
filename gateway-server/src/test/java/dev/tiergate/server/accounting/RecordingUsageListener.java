package dev.tiergate.server.accounting;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts what a usage store reports; {@link #awaitCompaction} waits for the next compaction. */
final class RecordingUsageListener implements UsageStoreListener {
    private final Map<CorruptKind, AtomicInteger> corrupt = new ConcurrentHashMap<>();
    private final BlockingQueue<Long> compactions = new LinkedBlockingQueue<>();

    @Override
    public void corruptRecord(CorruptKind kind) {
        corrupt.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
    }

    @Override
    public void compacted(long rolledRecords, Duration took) {
        compactions.add(rolledRecords);
    }

    int corrupt(CorruptKind kind) {
        AtomicInteger count = corrupt.get(kind);
        return count == null ? 0 : count.get();
    }

    /** The records the next compaction rolled up (or trimmed); fails after 30 s without one. */
    long awaitCompaction() throws InterruptedException {
        Long rolled = compactions.poll(30, TimeUnit.SECONDS);
        assertThat(rolled).as("a compaction within 30 s").isNotNull();
        return rolled;
    }

    boolean compacted() {
        return !compactions.isEmpty();
    }
}
