package dev.tiergate.server.accounting;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.tiergate.core.accounting.UsageJson;
import dev.tiergate.core.accounting.UsageQuery;
import dev.tiergate.core.accounting.UsageRecord;
import dev.tiergate.core.accounting.UsageReport;
import dev.tiergate.core.config.UsageStoreConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;

class FileUsageStoreTest {
    private static final Instant START = Instant.parse("2025-05-01T00:00:00Z");

    @TempDir
    Path dir;
    private Path file;
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeEach
    void captureLogs() {
        file = dir.resolve("usage.jsonl");
        logs.start();
        ((Logger) LoggerFactory.getLogger(FileUsageStore.class)).addAppender(logs);
    }

    @AfterEach
    void releaseLogs() {
        ((Logger) LoggerFactory.getLogger(FileUsageStore.class)).detachAppender(logs);
    }

    private FileUsageStore open(UsageStoreConfig settings, List<String> replayed, UsageStoreListener listener) {
        return FileUsageStore.builder(file).settings(settings).replay(r -> replayed.add(r.requestId()))
                .listener(listener).open();
    }

    private FileUsageStore open(List<String> replayed, UsageStoreListener listener) {
        return open(UsageStoreConfig.defaults(), replayed, listener);
    }

    private static String line(UsageRecord record) {
        return UsageJson.write(record) + "\n";
    }

    @Test
    void aLineInTheMiddleThatIsNotARecordIsLoggedAtWarnWithItsLineNumberAndCounted() throws Exception {
        List<UsageRecord> records = UsageRecords.spread(1, 3, START, Duration.ofHours(1));
        String garbage = "{\"request_id\":\"req_x\",\"timestamp\":\"2025-05-01T00:1";
        Files.writeString(file, line(records.get(0)) + line(records.get(1)) + garbage + "\n" + line(records.get(2)));
        RecordingUsageListener listener = new RecordingUsageListener();
        List<String> replayed = new ArrayList<>();

        try (FileUsageStore store = open(replayed, listener)) {
            assertThat(listener.corrupt(UsageStoreListener.CorruptKind.UNREADABLE)).isEqualTo(1);
            assertThat(listener.corrupt(UsageStoreListener.CorruptKind.TORN)).isZero();
            assertThat(logs.list).filteredOn(e -> e.getLevel() == Level.WARN).singleElement().satisfies(e ->
                    assertThat(e.getFormattedMessage()).contains(file + " line 3: not a usage record")
                            .contains("req_x"));
            assertThat(replayed).hasSize(3);
            assertThat(report(store).path("totals").path("requests").asLong()).isEqualTo(3);
        }
    }

    @Test
    void aLastLineCutShortByACrashIsCountedAsTornCutOffAndKeptAside() throws Exception {
        List<UsageRecord> records = UsageRecords.spread(2, 3, START, Duration.ofHours(1));
        String torn = line(records.get(2)).substring(0, 90);
        Files.writeString(file, line(records.get(0)) + line(records.get(1)) + torn);
        RecordingUsageListener listener = new RecordingUsageListener();

        try (FileUsageStore store = open(new ArrayList<>(), listener)) {
            assertThat(listener.corrupt(UsageStoreListener.CorruptKind.TORN)).isEqualTo(1);
            assertThat(listener.corrupt(UsageStoreListener.CorruptKind.UNREADABLE)).isZero();
            assertThat(logs.list).noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN));
            assertThat(logs.list).anySatisfy(e -> assertThat(e.getFormattedMessage())
                    .contains(file + " line 3: the last line was cut short"));
            assertThat(Files.readString(file)).isEqualTo(line(records.get(0)) + line(records.get(1)));
            store.append(records.get(2));
            store.flush().toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
        assertThat(Files.readString(dir.resolve("usage.jsonl.corrupt"))).isEqualTo(torn + "\n");

        List<String> replayed = new ArrayList<>();
        RecordingUsageListener again = new RecordingUsageListener();
        open(replayed, again).close();
        assertThat(replayed).containsExactly(records.get(0).requestId(), records.get(1).requestId(),
                records.get(2).requestId());
        assertThat(again.corrupt(UsageStoreListener.CorruptKind.TORN)).isZero();
    }

    @Test
    void aWholeLastLineWithoutItsNewlineIsARecord() throws Exception {
        List<UsageRecord> records = UsageRecords.spread(3, 2, START, Duration.ofHours(1));
        Files.writeString(file, line(records.get(0)) + UsageJson.write(records.get(1)));
        RecordingUsageListener listener = new RecordingUsageListener();
        List<String> replayed = new ArrayList<>();
        open(replayed, listener).close();
        assertThat(replayed).hasSize(2);
        assertThat(listener.corrupt(UsageStoreListener.CorruptKind.TORN)).isZero();
        assertThat(Files.readString(file)).isEqualTo(line(records.get(0)) + line(records.get(1)));
    }

    @ParameterizedTest
    @EnumSource(UsageStoreConfig.Fsync.class)
    void everyFsyncPolicyWritesWhatItIsGivenAndReadsItBack(UsageStoreConfig.Fsync fsync) {
        UsageStoreConfig settings = new UsageStoreConfig(fsync, 10);
        List<UsageRecord> records = UsageRecords.spread(11, 500, START, Duration.ofHours(1));
        try (FileUsageStore store = open(settings, new ArrayList<>(), UsageStoreListener.NONE)) {
            records.forEach(store::append);
        }
        List<String> replayed = Collections.synchronizedList(new ArrayList<>());
        open(settings, replayed, UsageStoreListener.NONE).close();
        assertThat(replayed).isEqualTo(records.stream().map(UsageRecord::requestId).toList());
    }

    private static com.fasterxml.jackson.databind.JsonNode report(FileUsageStore store) {
        UsageQuery all = new UsageQuery(LocalDate.parse("2025-01-01"), LocalDate.parse("2025-12-31"), null);
        return new UsageReport(all, store.totals(all).toCompletableFuture().join()).toJson();
    }
}
