package dev.tiergate.server.accounting;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiergate.core.accounting.UsageRecord;
import dev.tiergate.core.config.UsageStoreConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FileUsageStoreTest {
    private static final Instant START = Instant.parse("2025-05-01T00:00:00Z");

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(UsageStoreConfig.Fsync.class)
    void everyFsyncPolicyWritesWhatItIsGivenAndReadsItBack(UsageStoreConfig.Fsync fsync) {
        Path file = dir.resolve("usage.jsonl");
        UsageStoreConfig settings = new UsageStoreConfig(fsync, 10);
        List<UsageRecord> records = UsageRecords.spread(11, 500, START, Duration.ofHours(1));
        try (FileUsageStore store = FileUsageStore.builder(file).settings(settings).open()) {
            records.forEach(store::append);
        }
        List<String> read = new ArrayList<>();
        FileUsageStore.builder(file).settings(settings).replay(r -> read.add(r.requestId())).open().close();
        assertThat(read).isEqualTo(records.stream().map(UsageRecord::requestId).toList());
    }
}
