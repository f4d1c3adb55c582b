package dev.tiergate.server.accounting;

import dev.tiergate.core.accounting.UsageAggregates;
import dev.tiergate.core.accounting.UsageJson;
import dev.tiergate.core.accounting.UsageKey;
import dev.tiergate.core.accounting.UsageQuery;
import dev.tiergate.core.accounting.UsageRecord;
import dev.tiergate.core.accounting.UsageStore;
import dev.tiergate.core.accounting.UsageTotals;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Usage records in a local append-only file, one JSON object a line (JSON Lines). On open the file
 * is read back: totals are rebuilt and every record is handed to a replay consumer (the limit
 * counters). Appends are queued and written in batches by one background thread, each batch
 * handed to the operating system before the next is taken, so a gateway that stops or crashes
 * loses nothing it had answered more than a moment before; {@link #close()} writes the rest and
 * syncs the file to disk. A torn last line (a crash mid-write) is skipped on reading.
 */
public final class FileUsageStore implements UsageStore {
    private static final Logger log = LoggerFactory.getLogger(FileUsageStore.class);

    private final Path file;
    private final FileChannel channel;
    private final UsageAggregates aggregates = new UsageAggregates();
    private BatchingWriter writer;

    private FileUsageStore(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /** Opens (or creates) the file, replaying its records into the totals and {@code replay}. */
    public static FileUsageStore open(Path file, Consumer<UsageRecord> replay) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND), ownerOnly(file));
            FileUsageStore store = new FileUsageStore(file, channel);
            store.replay(replay);
            store.writer = new BatchingWriter("tiergate-usage-file", store::write);
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

    private void replay(Consumer<UsageRecord> replay) throws IOException {
        int records = 0;
        int skipped = 0;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                try {
                    UsageRecord record = UsageJson.read(line);
                    aggregates.add(record);
                    replay.accept(record);
                    records++;
                } catch (IllegalArgumentException e) {
                    skipped++;
                }
            }
        }
        log.info("usage file {}: {} records read{}", file, records, skipped > 0 ? ", " + skipped + " unreadable lines skipped" : "");
        if (channel.size() > 0 && !endsWithNewline()) {
            channel.write(ByteBuffer.wrap(new byte[] {'\n'}));
        }
    }

    private boolean endsWithNewline() throws IOException {
        ByteBuffer last = ByteBuffer.allocate(1);
        try (FileChannel read = FileChannel.open(file, StandardOpenOption.READ)) {
            read.read(last, read.size() - 1);
        }
        return last.get(0) == '\n';
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
    public void close() {
        writer.close();
        try {
            channel.force(false);
            channel.close();
        } catch (IOException e) {
            log.error("usage file {} could not be closed cleanly: {}", file, e.toString());
        }
    }

    private void write(List<UsageRecord> records) {
        StringBuilder lines = new StringBuilder();
        for (UsageRecord record : records) {
            lines.append(UsageJson.write(record)).append('\n');
        }
        ByteBuffer bytes = ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8));
        try {
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        } catch (IOException e) {
            log.error("usage file {}: {} bytes of records could not be written: {}", file, bytes.remaining(), e.toString());
        }
    }
}
