package dev.tiergate.server.accounting;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiergate.core.accounting.UsageJson;
import dev.tiergate.core.accounting.UsageRecord;
import dev.tiergate.core.config.UsageStoreConfig;
import dev.tiergate.core.testing.ManualClock;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * How long a gateway takes to read its usage file back at start, before and after compaction, and
 * how long compaction takes: {@code -Dtiergate.usage.measure=true}, with
 * {@code -Dtiergate.usage.records=N} (1,000,000) records spread over {@code -Dtiergate.usage.days=D}
 * (180) days and the default {@code keep-records-days} (7). The figures in docs/operations.md.
 */
@EnabledIfSystemProperty(named = "tiergate.usage.measure", matches = "true")
class UsageFileStartUpMeasurementTest {
    private static final Instant START = Instant.parse("2025-01-01T00:00:00Z");

    @TempDir
    Path dir;

    @Test
    void startUpReadsHistoryBeforeCompactionAndOnlyRecentDaysAfter() throws Exception {
        int count = Integer.getInteger("tiergate.usage.records", 1_000_000);
        int days = Integer.getInteger("tiergate.usage.days", 180);
        Path file = dir.resolve("usage.jsonl");
        Random random = new Random(1);
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < count; i++) {
                UsageRecord record = UsageRecords.random(random, "req_" + i,
                        START.plusMillis(Duration.ofDays(days).toMillis() * i / count));
                out.write(UsageJson.write(record));
                out.write('\n');
            }
        }
        Instant end = START.plus(Duration.ofDays(days));
        long rawBytes = Files.size(file);
        long readRaw = startUp(file, START, new RecordingUsageListener());

        RecordingUsageListener listener = new RecordingUsageListener();
        long compactStarted = System.nanoTime();
        long rolled;
        try (FileUsageStore store = FileUsageStore.builder(file).clock(new ManualClock(end)).listener(listener).open()) {
            rolled = listener.awaitCompaction();
        }
        long compaction = (System.nanoTime() - compactStarted) / 1_000_000;
        long compactedBytes = Files.size(file);
        long readCompacted = startUp(file, end, new RecordingUsageListener());
        System.out.printf("usage file: %d records over %d days, %.0f MB: start-up read %d ms; open and compaction "
                + "%d ms (%d records rolled up), then %.1f MB: start-up read %d ms%n", count, days, rawBytes / 1048576.0,
                readRaw, compaction, rolled, compactedBytes / 1048576.0, readCompacted);
        assertThat(compactedBytes).isLessThan(rawBytes / 4);
    }

    /** Opens and closes the store (no compaction due at {@code now}... or at least not waited for); how long opening took, ms. */
    private static long startUp(Path file, Instant now, RecordingUsageListener listener) {
        long started = System.nanoTime();
        FileUsageStore store = FileUsageStore.builder(file).clock(new ManualClock(now))
                .settings(UsageStoreConfig.defaults()).listener(listener).open();
        long took = (System.nanoTime() - started) / 1_000_000;
        store.close();
        return took;
    }
}
