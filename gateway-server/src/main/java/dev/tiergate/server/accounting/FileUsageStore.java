package dev.tiergate.server.accounting;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.accounting.UsageAggregates;
import dev.tiergate.core.accounting.UsageJson;
import dev.tiergate.core.accounting.UsageKey;
import dev.tiergate.core.accounting.UsageQuery;
import dev.tiergate.core.accounting.UsageRecord;
import dev.tiergate.core.accounting.UsageStore;
import dev.tiergate.core.accounting.UsageTotals;
import dev.tiergate.core.config.UsageStoreConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Usage records in a local append-only file, one JSON object a line (JSON Lines), built with
 * {@link #builder}.
 *
 * <p><b>Writing.</b> Appends are queued and written in batches by one background thread
 * ({@link BatchingWriter}): each batch is handed to the operating system as soon as the one before
 * it is written (and at most {@value BatchingWriter#LINGER_MILLIS} ms after it), so a killed gateway
 * loses only the records queued in that moment. When the file is
 * synced to disk (what a power cut or kernel crash would lose) is {@code usage.fsync}: as soon as a
 * batch is written, or every {@code fsync-interval-ms}, from a thread of its own in both cases (a
 * slow disk never holds records back), or only on close.
 *
 * <p><b>Reading back.</b> On open the file is read: totals are rebuilt and every record (and every
 * rolled-up monthly spend) is handed to a {@link Replay} (the limit counters). A line that is not a
 * record is left out, logged at WARN with its line number and counted
 * ({@link UsageStoreListener.CorruptKind#UNREADABLE}); a last line cut short by a crash mid-write is
 * counted as {@link UsageStoreListener.CorruptKind#TORN}, logged at INFO and cut off. Both are kept
 * in the quarantine file {@code <file>.corrupt}.
 *
 * <p><b>Compaction.</b> Records of days before the last {@code keep-records-days} are rolled into
 * daily totals per {@link UsageKey} and monthly spends per team key ({@link UsageFileCompaction}):
 * at open when there are any, and while running when the file has grown by
 * {@code compact-after-mb} since. The slow part runs beside the writer; then, between two batches,
 * the writer appends what came meanwhile, syncs the new file and renames it over the old one. The
 * totals, and so {@code /v1/usage} and the rebuilt spend, are the same before and after.
 */
public final class FileUsageStore implements UsageStore {
    private static final Logger log = LoggerFactory.getLogger(FileUsageStore.class);
    private static final int EXCERPT_CHARS = 200;

    /** Where the records read back on open go: the limit counters. */
    public interface Replay {
        /** A record of the file. */
        void record(UsageRecord record);

        /** What the records of one team key in one month that compaction rolled up cost together. */
        void spend(YearMonth month, String team, String keyId, long costNanos);
    }

    private final Path file;
    private final Path quarantine;
    private final Path compactionTemp;
    private final UsageStoreConfig settings;
    private final Clock clock;
    private final UsageStoreListener listener;
    private final UsageAggregates aggregates = new UsageAggregates();
    private final AtomicBoolean compacting = new AtomicBoolean();
    private final AtomicLong batchesWritten = new AtomicLong();
    private volatile FileChannel channel;
    private volatile boolean closing;
    private BatchingWriter writer;
    private volatile Thread syncer;
    private volatile Thread compaction;
    private long batchesSynced;
    // Written by the opening thread, then only by the writer thread.
    private long size;
    private long sizeAfterCompaction;
    private LocalDate oldestDay;

    private FileUsageStore(Path file, FileChannel channel, UsageStoreConfig settings, Clock clock,
                           UsageStoreListener listener) {
        this.file = file;
        this.quarantine = file.resolveSibling(file.getFileName() + ".corrupt");
        this.compactionTemp = file.resolveSibling(file.getFileName() + ".compacting");
        this.channel = channel;
        this.settings = settings;
        this.clock = clock;
        this.listener = listener;
    }

    public static Builder builder(Path file) {
        return new Builder(file);
    }

    /** Opens a usage file; every setting but the file has a default. */
    public static final class Builder {
        private final Path file;
        private UsageStoreConfig settings = UsageStoreConfig.defaults();
        private Clock clock = Clock.systemUTC();
        private Replay replay;
        private UsageStoreListener listener = UsageStoreListener.NONE;

        private Builder(Path file) {
            this.file = requireNonNull(file, "file");
        }

        /** fsync policy and compaction (default: {@link UsageStoreConfig#defaults()}). */
        public Builder settings(UsageStoreConfig newSettings) {
            this.settings = requireNonNull(newSettings, "settings");
            return this;
        }

        /** What "today" is, for which records compaction keeps whole (default: the system clock, UTC). */
        public Builder clock(Clock newClock) {
            this.clock = requireNonNull(newClock, "clock");
            return this;
        }

        /** Where the records read back on open go (default: nowhere). */
        public Builder replay(Replay newReplay) {
            this.replay = requireNonNull(newReplay, "replay");
            return this;
        }

        /** Told of unreadable records and compactions (default: nobody). */
        public Builder listener(UsageStoreListener newListener) {
            this.listener = requireNonNull(newListener, "listener");
            return this;
        }

        /** Opens (or creates) the file and reads it back; compacts it in the background when it holds old records. */
        public FileUsageStore open() {
            return FileUsageStore.open(file, settings, clock, replay == null ? NO_REPLAY : replay, listener);
        }
    }

    private static final Replay NO_REPLAY = new Replay() {
        @Override
        public void record(UsageRecord record) {
        }

        @Override
        public void spend(YearMonth month, String team, String keyId, long costNanos) {
        }
    };

    private static FileUsageStore open(Path file, UsageStoreConfig settings, Clock clock, Replay replay,
                                       UsageStoreListener listener) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND), ownerOnly(file));
            FileUsageStore store = new FileUsageStore(file, channel, settings, clock, listener);
            boolean compact = store.replay(replay);
            if (settings.fsync() != UsageStoreConfig.Fsync.ON_CLOSE) {
                store.syncer = Thread.ofPlatform().daemon().name("tiergate-usage-fsync").start(store::syncLoop);
            }
            store.writer = new BatchingWriter("tiergate-usage-file", store::write);
            if (compact) {
                store.writer.execute(() -> store.startCompaction(new CompletableFuture<>()));
            }
            return store;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open usage file " + file, e);
        }
    }

    /**
     * On a POSIX file system a new usage file is readable and writable by its owner only (0600): it
     * tells who spent what. An existing file keeps its permissions.
     */
    private static FileAttribute<?>[] ownerOnly(Path file) {
        return file.getFileSystem().supportedFileAttributeViews().contains("posix")
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
    }

    /** Reads the file back; true when it holds records to roll up or unreadable lines, so compaction is due. */
    private boolean replay(Replay replay) throws IOException {
        long started = System.nanoTime();
        LocalDate keepFrom = keepFrom();
        long end = channel.size();
        long[] counts = new long[4]; // records, rolled-up lines, unreadable lines, records older than keepFrom
        long[] torn = {-1, 0};
        String[] tornText = new String[1];
        boolean[] unterminated = new boolean[1];
        UsageFileReader.read(file, end, (number, offset, text, terminated) -> {
            unterminated[0] = !terminated;
            if (text.isBlank()) {
                return;
            }
            UsageFileLine line;
            try {
                line = UsageFileLine.parse(text);
            } catch (IllegalArgumentException e) {
                if (!terminated) {
                    torn[0] = offset;
                    torn[1] = number;
                    tornText[0] = text;
                    return;
                }
                counts[2]++;
                listener.corruptRecord(UsageStoreListener.CorruptKind.UNREADABLE);
                log.warn("usage file {} line {}: not a usage record, left out of the usage totals and of this "
                        + "month's spend; it moves to {} at the next compaction ({}): {}", file, number, quarantine,
                        e.getMessage(), excerpt(text));
                return;
            }
            switch (line) {
                case UsageFileLine.Record(UsageRecord record) -> {
                    aggregates.add(record);
                    replay.record(record);
                    counts[0]++;
                    if (oldestDay == null || record.day().isBefore(oldestDay)) {
                        oldestDay = record.day();
                    }
                    if (record.day().isBefore(keepFrom)) {
                        counts[3]++;
                    }
                }
                case UsageFileLine.Totals totals -> {
                    aggregates.add(totals.key(), totals.totals());
                    counts[1]++;
                }
                case UsageFileLine.Spend spend -> {
                    replay.spend(spend.key().month(), spend.key().team(), spend.key().keyId(), spend.costNanos());
                    counts[1]++;
                }
            }
        });
        if (tornText[0] != null) {
            listener.corruptRecord(UsageStoreListener.CorruptKind.TORN);
            keepInQuarantine(List.of(tornText[0]));
            channel.truncate(torn[0]);
            log.info("usage file {} line {}: the last line was cut short (the gateway stopped while writing it): "
                    + "{} bytes moved to {}", file, torn[1], tornText[0].getBytes(StandardCharsets.UTF_8).length,
                    quarantine);
        } else if (unterminated[0]) {
            channel.write(ByteBuffer.wrap(new byte[] {'\n'}));
        }
        size = channel.size();
        sizeAfterCompaction = size;
        log.info("usage file {}: {} records and {} rolled-up totals read in {} ms{}", file, counts[0], counts[1],
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                counts[2] > 0 ? ", " + counts[2] + " unreadable lines left out" : "");
        return counts[2] > 0 || counts[3] > 0;
    }

    private static String excerpt(String text) {
        return text.length() <= EXCERPT_CHARS ? text : text.substring(0, EXCERPT_CHARS) + "...";
    }

    /** The first UTC day whose records compaction keeps whole. */
    private LocalDate keepFrom() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).minusDays(settings.keepRecordsDays() - 1L);
    }

    @Override
    public void append(UsageRecord record) {
        if (writer.add(record)) {
            aggregates.add(record);
        } else {
            log.warn("usage record {} after close, not written: {}", record.requestId(), UsageJson.write(record));
        }
    }

    @Override
    public CompletionStage<Map<UsageKey, UsageTotals>> totals(UsageQuery query) {
        return CompletableFuture.completedFuture(aggregates.select(query));
    }

    @Override
    public CompletionStage<Void> flush() {
        return writer.flush();
    }

    @Override
    public long pending() {
        return writer.pending();
    }

    /**
     * Compacts now, whatever the file's size: completes with true once the compacted file is in
     * place, false when there was nothing to roll up (or another compaction was running).
     */
    CompletionStage<Boolean> compact() {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        if (!writer.execute(() -> startCompaction(done))) {
            done.complete(false);
        }
        return done;
    }

    @Override
    public void close() {
        closing = true;
        writer.close();
        Thread running = compaction;
        if (running != null) {
            try {
                running.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (syncer != null) {
            LockSupport.unpark(syncer);
            try {
                syncer.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            channel.force(false);
            channel.close();
        } catch (IOException e) {
            log.error("usage file {} could not be closed cleanly: {}", file, e.toString());
        }
    }

    /** Writes one batch (on the writer thread). */
    private void write(List<UsageRecord> records) {
        for (UsageRecord record : records) {
            if (oldestDay == null || record.day().isBefore(oldestDay)) {
                oldestDay = record.day();
            }
        }
        ByteBuffer bytes = ByteBuffer.wrap(UsageJson.lines(records));
        FileChannel out = channel;
        try {
            while (bytes.hasRemaining()) {
                size += out.write(bytes);
            }
            batchesWritten.incrementAndGet();
            if (settings.fsync() == UsageStoreConfig.Fsync.EVERY_BATCH) {
                LockSupport.unpark(syncer);
            }
        } catch (IOException e) {
            log.error("usage file {}: {} bytes of records could not be written: {}", file, bytes.remaining(), e.toString());
            try {
                size = out.size();
            } catch (IOException ignored) {
                // the size is read again after the next batch
            }
        }
        if (size - sizeAfterCompaction >= settings.compactAfterBytes() && oldestDay != null
                && oldestDay.isBefore(keepFrom())) {
            startCompaction(new CompletableFuture<>());
        }
    }

    /**
     * The fsync thread, apart from the writer so that a slow sync never holds records in memory:
     * with {@code every-batch} it syncs as soon as a batch was written (batches written during a
     * sync are synced together by the next), with {@code interval} every {@code fsync-interval-ms}.
     */
    private void syncLoop() {
        long interval = TimeUnit.MILLISECONDS.toNanos(settings.fsyncIntervalMs());
        while (!closing) {
            if (settings.fsync() == UsageStoreConfig.Fsync.EVERY_BATCH) {
                if (batchesWritten.get() == batchesSynced) {
                    LockSupport.park(this);
                }
            } else {
                LockSupport.parkNanos(this, interval);
            }
            sync();
        }
    }

    /** Syncs the file when a batch was written since the last sync. */
    private void sync() {
        long written = batchesWritten.get();
        if (written == batchesSynced) {
            return;
        }
        try {
            channel.force(false);
            batchesSynced = written;
        } catch (ClosedChannelException e) {
            // replaced by a compacted file, which was synced before it took the old one's place
        } catch (IOException e) {
            log.warn("usage file {} could not be synced to disk: {}", file, e.toString());
        }
    }

    /** Starts compacting the file as it is now (on the writer thread); {@code done} tells whether it was replaced. */
    private void startCompaction(CompletableFuture<Boolean> done) {
        if (closing || !compacting.compareAndSet(false, true)) {
            done.complete(false);
            return;
        }
        long end = size;
        LocalDate keepFrom = keepFrom();
        long started = System.nanoTime();
        compaction = Thread.ofPlatform().daemon().name("tiergate-usage-compaction").start(() -> {
            UsageFileCompaction.Prepared prepared;
            try {
                prepared = UsageFileCompaction.prepare(file, end, keepFrom, compactionTemp, () -> closing);
            } catch (IOException | RuntimeException e) {
                log.error("usage file {} could not be compacted: {}", file, e.toString());
                compacting.set(false);
                done.complete(false);
                return;
            }
            if (prepared == null || !prepared.changes()) {
                deleteTemp();
                boolean queued = writer.execute(() -> {
                    sizeAfterCompaction = Math.max(sizeAfterCompaction, end);
                    compacting.set(false);
                    done.complete(false);
                });
                if (!queued) {
                    done.complete(false);
                }
                return;
            }
            if (!writer.execute(() -> finishCompaction(prepared, started, done))) {
                deleteTemp();
                done.complete(false);
            }
        });
    }

    /**
     * The second half of a compaction, on the writer thread between two batches: appends what was
     * written since the compaction read the file, syncs the new file and renames it over the old one.
     */
    private void finishCompaction(UsageFileCompaction.Prepared prepared, long started, CompletableFuture<Boolean> done) {
        FileChannel old = channel;
        long before = size;
        try {
            if (!prepared.unreadable().isEmpty()) {
                keepInQuarantine(prepared.unreadable().stream().map(UsageFileCompaction.Unreadable::text).toList());
            }
            try (FileChannel written = FileChannel.open(file, StandardOpenOption.READ);
                 FileChannel compacted = FileChannel.open(prepared.temp(), StandardOpenOption.WRITE,
                         StandardOpenOption.APPEND)) {
                for (long at = prepared.end(); at < size; ) {
                    at += written.transferTo(at, size - at, compacted);
                }
                compacted.force(true);
            }
            Files.move(prepared.temp(), file, StandardCopyOption.ATOMIC_MOVE);
            syncDirectory();
            channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            size = channel.size();
            sizeAfterCompaction = size;
            LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
            oldestDay = prepared.oldestKeptDay() != null ? prepared.oldestKeptDay() : size > 0 ? today : null;
            closeQuietly(old);
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            listener.compacted(prepared.rolledRecords(), took);
            log.info("usage file {} compacted in {} ms: {} records rolled into {} daily totals and {} monthly spends, "
                    + "{} records kept{}; {} -> {} bytes", file, took.toMillis(), prepared.rolledRecords(),
                    prepared.totalsLines(), prepared.spendLines(), prepared.keptRecords(),
                    prepared.unreadable().isEmpty() ? "" : ", " + prepared.unreadable().size()
                            + " unreadable lines moved to " + quarantine, before, size);
            done.complete(true);
        } catch (IOException | RuntimeException e) {
            log.error("usage file {} could not be compacted (it stays as it was): {}", file, e.toString());
            deleteTemp();
            done.complete(false);
        } finally {
            compacting.set(false);
        }
    }

    /** Appends lines that are not records to the quarantine file, for a person to look at. */
    private void keepInQuarantine(List<String> lines) throws IOException {
        StringBuilder text = new StringBuilder();
        lines.forEach(line -> text.append(line).append('\n'));
        try (FileChannel out = createLike(file, quarantine, StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
            out.force(true);
        }
    }

    /**
     * Opens {@code target} for writing, created (if it is) with the permissions {@code like} has, so
     * that the quarantine file or a compacted file is no more readable than the usage file itself.
     */
    static FileChannel createLike(Path like, Path target, OpenOption... options) throws IOException {
        Set<OpenOption> opts = Set.of(options);
        PosixFileAttributeView posix = Files.getFileAttributeView(like, PosixFileAttributeView.class);
        if (posix == null || !Files.exists(like)) {
            return FileChannel.open(target, opts);
        }
        FileAttribute<?> permissions = PosixFilePermissions.asFileAttribute(posix.readAttributes().permissions());
        return FileChannel.open(target, opts, permissions);
    }

    private void syncDirectory() {
        Path dir = file.toAbsolutePath().getParent();
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            log.debug("directory {} could not be synced: {}", dir, e.toString());
        }
    }

    private void deleteTemp() {
        try {
            Files.deleteIfExists(compactionTemp);
        } catch (IOException e) {
            log.warn("could not delete {}: {}", compactionTemp, e.toString());
        }
    }

    private static void closeQuietly(FileChannel c) {
        try {
            c.close();
        } catch (IOException e) {
            log.debug("closing a replaced usage file: {}", e.toString());
        }
    }
}
