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
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
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
 * it is written, so a killed gateway loses only the records queued in that moment. When the file is
 * synced to disk (what a power cut or kernel crash would lose) is {@code usage.fsync}: as soon as a
 * batch is written, or every {@code fsync-interval-ms}, from a thread of its own in both cases (a
 * slow disk never holds records back), or only on close.
 *
 * <p><b>Reading back.</b> On open the file is read: totals are rebuilt and every record is handed to
 * a {@link Replay} (the limit counters). A line that is not a record is left out, logged at WARN
 * with its line number and counted ({@link UsageStoreListener.CorruptKind#UNREADABLE}); a last line
 * cut short by a crash mid-write is counted as {@link UsageStoreListener.CorruptKind#TORN}, logged at
 * INFO, cut off and kept in the quarantine file {@code <file>.corrupt}.
 */
public final class FileUsageStore implements UsageStore {
    private static final Logger log = LoggerFactory.getLogger(FileUsageStore.class);
    private static final int EXCERPT_CHARS = 200;

    /** Where the records read back on open go: the limit counters. */
    @FunctionalInterface
    public interface Replay {
        /** A record of the file. */
        void record(UsageRecord record);
    }

    private final Path file;
    private final Path quarantine;
    private final FileChannel channel;
    private final UsageStoreConfig settings;
    private final UsageStoreListener listener;
    private final UsageAggregates aggregates = new UsageAggregates();
    private final AtomicLong batchesWritten = new AtomicLong();
    private BatchingWriter writer;
    private volatile Thread syncer;
    private long batchesSynced;
    private volatile boolean closing;

    private FileUsageStore(Path file, FileChannel channel, UsageStoreConfig settings, UsageStoreListener listener) {
        this.file = file;
        this.quarantine = file.resolveSibling(file.getFileName() + ".corrupt");
        this.channel = channel;
        this.settings = settings;
        this.listener = listener;
    }

    public static Builder builder(Path file) {
        return new Builder(file);
    }

    /** Opens a usage file; every setting but the file has a default. */
    public static final class Builder {
        private final Path file;
        private UsageStoreConfig settings = UsageStoreConfig.defaults();
        private Replay replay = record -> { };
        private UsageStoreListener listener = UsageStoreListener.NONE;

        private Builder(Path file) {
            this.file = requireNonNull(file, "file");
        }

        /** The fsync policy (default: {@link UsageStoreConfig#defaults()}). */
        public Builder settings(UsageStoreConfig newSettings) {
            this.settings = requireNonNull(newSettings, "settings");
            return this;
        }

        /** Where the records read back on open go (default: nowhere). */
        public Builder replay(Replay newReplay) {
            this.replay = requireNonNull(newReplay, "replay");
            return this;
        }

        /** Told of unreadable records (default: nobody). */
        public Builder listener(UsageStoreListener newListener) {
            this.listener = requireNonNull(newListener, "listener");
            return this;
        }

        /** Opens (or creates) the file and reads it back. */
        public FileUsageStore open() {
            return FileUsageStore.open(file, settings, replay, listener);
        }
    }

    private static FileUsageStore open(Path file, UsageStoreConfig settings, Replay replay,
                                       UsageStoreListener listener) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
            FileUsageStore store = new FileUsageStore(file, channel, settings, listener);
            store.replay(replay);
            if (settings.fsync() != UsageStoreConfig.Fsync.ON_CLOSE) {
                store.syncer = Thread.ofPlatform().daemon().name("tiergate-usage-fsync").start(store::syncLoop);
            }
            store.writer = new BatchingWriter("tiergate-usage-file", store::write);
            return store;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open usage file " + file, e);
        }
    }

    /** Reads the file back. */
    private void replay(Replay replay) throws IOException {
        long started = System.nanoTime();
        long end = channel.size();
        long[] counts = new long[2]; // records, unreadable lines
        long[] torn = {-1, 0};
        String[] tornText = new String[1];
        boolean[] unterminated = new boolean[1];
        UsageFileReader.read(file, end, (number, offset, text, terminated) -> {
            unterminated[0] = !terminated;
            if (text.isBlank()) {
                return;
            }
            UsageRecord record;
            try {
                record = UsageJson.read(text);
            } catch (IllegalArgumentException e) {
                if (!terminated) {
                    torn[0] = offset;
                    torn[1] = number;
                    tornText[0] = text;
                    return;
                }
                counts[1]++;
                listener.corruptRecord(UsageStoreListener.CorruptKind.UNREADABLE);
                log.warn("usage file {} line {}: not a usage record, left out of the usage totals and of this "
                        + "month's spend ({}): {}", file, number, e.getMessage(), excerpt(text));
                return;
            }
            aggregates.add(record);
            replay.record(record);
            counts[0]++;
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
        log.info("usage file {}: {} records read in {} ms{}", file, counts[0],
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                counts[1] > 0 ? ", " + counts[1] + " unreadable lines left out" : "");
    }

    private static String excerpt(String text) {
        return text.length() <= EXCERPT_CHARS ? text : text.substring(0, EXCERPT_CHARS) + "...";
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

    @Override
    public void close() {
        closing = true;
        writer.close();
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
        StringBuilder lines = new StringBuilder(records.size() * 512);
        for (UsageRecord record : records) {
            lines.append(UsageJson.write(record)).append('\n');
        }
        ByteBuffer bytes = ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8));
        try {
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            batchesWritten.incrementAndGet();
            if (settings.fsync() == UsageStoreConfig.Fsync.EVERY_BATCH) {
                LockSupport.unpark(syncer);
            }
        } catch (IOException e) {
            log.error("usage file {}: {} bytes of records could not be written: {}", file, bytes.remaining(), e.toString());
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
        } catch (IOException e) {
            log.warn("usage file {} could not be synced to disk: {}", file, e.toString());
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
     * that the quarantine file is no more readable than the usage file itself.
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
}
