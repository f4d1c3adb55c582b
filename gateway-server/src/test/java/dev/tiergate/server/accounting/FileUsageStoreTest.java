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
import dev.tiergate.core.testing.ManualClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;

class FileUsageStoreTest {
    private static final Instant START = Instant.parse("2025-05-01T00:00:00Z");
    private static final UsageStoreConfig KEEP_7_DAYS = UsageStoreConfig.defaults();

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

    private FileUsageStore open(Instant now, UsageStoreConfig settings, SpendReplay replay,
                                UsageStoreListener listener) {
        return FileUsageStore.builder(file).clock(new ManualClock(now)).settings(settings).replay(replay)
                .listener(listener).open();
    }

    private static String line(UsageRecord record) {
        return UsageJson.write(record) + "\n";
    }

    @Test
    void aLineInTheMiddleThatIsNotARecordIsLoggedAtWarnWithItsLineNumberCountedAndMovedAside() throws Exception {
        List<UsageRecord> records = UsageRecords.spread(1, 3, START, Duration.ofHours(1));
        String garbage = "{\"request_id\":\"req_x\",\"timestamp\":\"2025-05-01T00:1";
        Files.writeString(file, line(records.get(0)) + line(records.get(1)) + garbage + "\n" + line(records.get(2)));
        RecordingUsageListener listener = new RecordingUsageListener();
        SpendReplay replay = new SpendReplay();

        try (FileUsageStore store = open(START, KEEP_7_DAYS, replay, listener)) {
            assertThat(listener.corrupt(UsageStoreListener.CorruptKind.UNREADABLE)).isEqualTo(1);
            assertThat(listener.corrupt(UsageStoreListener.CorruptKind.TORN)).isZero();
            assertThat(logs.list).filteredOn(e -> e.getLevel() == Level.WARN).singleElement().satisfies(e ->
                    assertThat(e.getFormattedMessage()).contains(file + " line 3: not a usage record")
                            .contains("req_x"));
            assertThat(replay.requestIds).hasSize(3);
            assertThat(report(store).path("totals").path("requests").asLong()).isEqualTo(3);
            assertThat(listener.awaitCompaction()).isZero();
        }
        assertThat(Files.readAllLines(file)).hasSize(3).noneMatch(l -> l.contains("req_x"));
        assertThat(Files.readAllLines(dir.resolve("usage.jsonl.corrupt"))).containsExactly(garbage);

        RecordingUsageListener again = new RecordingUsageListener();
        logs.list.clear();
        try (FileUsageStore store = open(START, KEEP_7_DAYS, new SpendReplay(), again)) {
            assertThat(again.corrupt(UsageStoreListener.CorruptKind.UNREADABLE)).isZero();
            assertThat(logs.list).noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN));
            assertThat(report(store).path("totals").path("requests").asLong()).isEqualTo(3);
        }
    }

    @Test
    void aLastLineCutShortByACrashIsCountedAsTornCutOffAndKeptAside() throws Exception {
        List<UsageRecord> records = UsageRecords.spread(2, 3, START, Duration.ofHours(1));
        String torn = line(records.get(2)).substring(0, 90);
        Files.writeString(file, line(records.get(0)) + line(records.get(1)) + torn);
        RecordingUsageListener listener = new RecordingUsageListener();

        try (FileUsageStore store = open(START, KEEP_7_DAYS, new SpendReplay(), listener)) {
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

        SpendReplay replay = new SpendReplay();
        RecordingUsageListener again = new RecordingUsageListener();
        open(START, KEEP_7_DAYS, replay, again).close();
        assertThat(replay.requestIds).containsExactly(records.get(0).requestId(), records.get(1).requestId(),
                records.get(2).requestId());
        assertThat(again.corrupt(UsageStoreListener.CorruptKind.TORN)).isZero();
    }

    @Test
    void aWholeLastLineWithoutItsNewlineIsARecord() throws Exception {
        List<UsageRecord> records = UsageRecords.spread(3, 2, START, Duration.ofHours(1));
        Files.writeString(file, line(records.get(0)) + UsageJson.write(records.get(1)));
        RecordingUsageListener listener = new RecordingUsageListener();
        SpendReplay replay = new SpendReplay();
        open(START, KEEP_7_DAYS, replay, listener).close();
        assertThat(replay.requestIds).hasSize(2);
        assertThat(listener.corrupt(UsageStoreListener.CorruptKind.TORN)).isZero();
        assertThat(Files.readString(file)).isEqualTo(line(records.get(0)) + line(records.get(1)));
    }

    @Test
    void compactionRollsOldRecordsIntoTotalsAndTheUsageReportAndTheRebuiltSpendStayExactlyTheSame() throws Exception {
        List<UsageRecord> records = UsageRecords.spread(42, 6_000, START, Duration.ofDays(95));
        try (FileUsageStore store = open(START, KEEP_7_DAYS, new SpendReplay(), new RecordingUsageListener())) {
            records.forEach(store::append);
        }
        SpendReplay before = new SpendReplay();
        List<String> reportsBefore;
        RecordingUsageListener notYet = new RecordingUsageListener();
        try (FileUsageStore store = open(START, KEEP_7_DAYS, before, notYet)) {
            reportsBefore = reports(store);
        }
        assertThat(notYet.compacted()).isFalse();
        assertThat(before.requestIds).hasSize(6_000);

        Instant later = START.plus(Duration.ofDays(100));
        LocalDate keepFrom = LocalDate.parse("2025-08-03");
        long old = records.stream().filter(r -> r.day().isBefore(keepFrom)).count();
        RecordingUsageListener listener = new RecordingUsageListener();
        try (FileUsageStore store = open(later, KEEP_7_DAYS, new SpendReplay(), listener)) {
            assertThat(listener.awaitCompaction()).isEqualTo(old);
            assertThat(reports(store)).isEqualTo(reportsBefore);
        }
        List<String> lines = Files.readAllLines(file);
        assertThat(lines.stream().filter(l -> l.startsWith("{\"request_id\"")).count()).isEqualTo(6_000 - old);
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("{\"type\":\"totals\",\"day\":\"2025-05-01\""));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("{\"type\":\"spend\",\"month\":\"2025-05\""));

        SpendReplay after = new SpendReplay();
        RecordingUsageListener reopened = new RecordingUsageListener();
        try (FileUsageStore store = open(later, KEEP_7_DAYS, after, reopened)) {
            assertThat(reports(store)).isEqualTo(reportsBefore);
        }
        assertThat(after.spend).isEqualTo(before.spend);
        assertThat(reopened.compacted()).as("nothing left to roll up").isFalse();

        // a second compaction rolls the rest into the same totals
        SpendReplay rolledAll = new SpendReplay();
        RecordingUsageListener second = new RecordingUsageListener();
        try (FileUsageStore store = open(later.plus(Duration.ofDays(30)), KEEP_7_DAYS, rolledAll, second)) {
            assertThat(second.awaitCompaction()).isEqualTo(6_000 - old);
        }
        SpendReplay last = new SpendReplay();
        try (FileUsageStore store = open(later.plus(Duration.ofDays(30)), KEEP_7_DAYS, last,
                new RecordingUsageListener())) {
            assertThat(reports(store)).isEqualTo(reportsBefore);
        }
        assertThat(last.spend).isEqualTo(before.spend);
        assertThat(last.requestIds).isEmpty();
    }

    @Test
    void recordsAppendedWhileTheFileIsBeingCompactedAreAllKept() throws Exception {
        List<UsageRecord> old = UsageRecords.spread(7, 30_000, START, Duration.ofDays(60));
        try (FileUsageStore store = open(START, KEEP_7_DAYS, new SpendReplay(), new RecordingUsageListener())) {
            old.forEach(store::append);
        }
        Instant now = START.plus(Duration.ofDays(90));
        RecordingUsageListener listener = new RecordingUsageListener();
        List<String> fresh = new ArrayList<>();
        try (FileUsageStore store = open(now, KEEP_7_DAYS, new SpendReplay(), listener)) {
            List<CompletableFuture<Void>> writers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                writers.add(CompletableFuture.runAsync(() -> {
                    Random random = new Random(thread);
                    for (int i = 0; i < 2_000; i++) {
                        store.append(UsageRecords.random(random, "fresh_" + thread + "_" + i, now));
                    }
                }));
                for (int i = 0; i < 2_000; i++) {
                    fresh.add("fresh_" + t + "_" + i);
                }
            }
            CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            assertThat(listener.awaitCompaction()).isEqualTo(30_000);
        }
        SpendReplay replay = new SpendReplay();
        try (FileUsageStore store = open(now, KEEP_7_DAYS, replay, new RecordingUsageListener())) {
            assertThat(replay.requestIds).containsExactlyInAnyOrderElementsOf(fresh);
            assertThat(report(store).path("totals").path("requests").asLong()).isEqualTo(38_000);
        }
    }

    @Test
    void aRunningGatewayCompactsTheFileAgainOnceItHasGrownByCompactAfterMb() throws Exception {
        UsageStoreConfig settings = new UsageStoreConfig(UsageStoreConfig.Fsync.INTERVAL, 1000, 7, 1);
        ManualClock clock = new ManualClock(START);
        RecordingUsageListener listener = new RecordingUsageListener();
        try (FileUsageStore store = FileUsageStore.builder(file).clock(clock).settings(settings).listener(listener)
                .open()) {
            Random random = new Random(5);
            for (int i = 0; i < 100; i++) {
                store.append(UsageRecords.random(random, "day1_" + i, START));
            }
            store.flush().toCompletableFuture().get(5, TimeUnit.SECONDS);
            clock.advance(Duration.ofDays(10));
            for (int i = 0; i < 4_000; i++) { // about 1.5 MB
                store.append(UsageRecords.random(random, "day11_" + i, clock.instant()));
            }
            assertThat(listener.awaitCompaction()).isEqualTo(100);
        }
    }

    @Test
    void theCompactedFileAndTheQuarantineKeepTheUsageFilesPermissions() throws Exception {
        UsageRecord oldRecord = UsageRecords.spread(9, 1, START, Duration.ofHours(1)).getFirst();
        Files.writeString(file, line(oldRecord) + "not json\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        RecordingUsageListener listener = new RecordingUsageListener();
        try (FileUsageStore store = open(START.plus(Duration.ofDays(30)), KEEP_7_DAYS, new SpendReplay(), listener)) {
            assertThat(listener.awaitCompaction()).isEqualTo(1);
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("usage.jsonl.corrupt"))))
                .isEqualTo("rw-------");
        assertThat(dir.resolve("usage.jsonl.compacting")).doesNotExist();
    }

    @ParameterizedTest
    @EnumSource(UsageStoreConfig.Fsync.class)
    void everyFsyncPolicyWritesWhatItIsGivenAndReadsItBack(UsageStoreConfig.Fsync fsync) throws IOException {
        UsageStoreConfig settings = new UsageStoreConfig(fsync, 10, 7, 64);
        List<UsageRecord> records = UsageRecords.spread(11, 500, START, Duration.ofHours(1));
        try (FileUsageStore store = open(START, settings, new SpendReplay(), new RecordingUsageListener())) {
            records.forEach(store::append);
        }
        SpendReplay replay = new SpendReplay();
        open(START, settings, replay, new RecordingUsageListener()).close();
        assertThat(replay.requestIds).isEqualTo(records.stream().map(UsageRecord::requestId).toList());
    }

    private static com.fasterxml.jackson.databind.JsonNode report(FileUsageStore store) {
        UsageQuery all = new UsageQuery(LocalDate.parse("2025-01-01"), LocalDate.parse("2025-12-31"), null);
        return new UsageReport(all, store.totals(all).toCompletableFuture().join()).toJson();
    }

    /** What {@code /v1/usage} would answer for a few queries: the whole span, one team, each month, one day. */
    private static List<String> reports(FileUsageStore store) {
        List<UsageQuery> queries = List.of(
                new UsageQuery(LocalDate.parse("2025-01-01"), LocalDate.parse("2025-12-31"), null),
                new UsageQuery(LocalDate.parse("2025-01-01"), LocalDate.parse("2025-12-31"), "labs"),
                new UsageQuery(LocalDate.parse("2025-05-01"), LocalDate.parse("2025-05-31"), null),
                new UsageQuery(LocalDate.parse("2025-06-01"), LocalDate.parse("2025-06-30"), "search"),
                new UsageQuery(LocalDate.parse("2025-08-01"), LocalDate.parse("2025-08-31"), null),
                new UsageQuery(LocalDate.parse("2025-07-14"), LocalDate.parse("2025-07-14"), null));
        return queries.stream().map(q -> new UsageReport(q, store.totals(q).toCompletableFuture().join()).toJson()
                .toString()).collect(Collectors.toList());
    }
}
