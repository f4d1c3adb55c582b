package dev.tiergate.server.accounting;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts what a usage store reports. */
final class RecordingUsageListener implements UsageStoreListener {
    private final Map<CorruptKind, AtomicInteger> corrupt = new ConcurrentHashMap<>();

    @Override
    public void corruptRecord(CorruptKind kind) {
        corrupt.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
    }

    int corrupt(CorruptKind kind) {
        AtomicInteger count = corrupt.get(kind);
        return count == null ? 0 : count.get();
    }
}
