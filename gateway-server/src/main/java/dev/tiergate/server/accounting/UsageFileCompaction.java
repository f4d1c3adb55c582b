package dev.tiergate.server.accounting;

import dev.tiergate.core.accounting.UsageKey;
import dev.tiergate.core.accounting.UsageRecord;
import dev.tiergate.core.accounting.UsageTotals;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The first, slow half of compacting the usage file, done beside the writer: reads the file's first
 * {@code end} bytes and writes a new file that holds, in this order, the records of the days from
 * {@code keepFrom} on (their lines as they were), one {@code totals} line per {@link UsageKey} and
 * one {@code spend} line per month, team and key for everything older (the totals lines already in
 * the file included). The sums are exact: the new file's totals and spends equal the old file's.
 * Unreadable lines are not copied; they are handed back to be kept in the quarantine file. The
 * store then appends what was written after {@code end} and puts the new file in place.
 */
final class UsageFileCompaction {
    private static final Comparator<UsageKey> KEY_ORDER = Comparator.comparing(UsageKey::day)
            .thenComparing(UsageKey::team).thenComparing(UsageKey::model).thenComparing(UsageKey::provider)
            .thenComparing(UsageKey::tier).thenComparing(UsageKey::cache);
    private static final Comparator<UsageFileLine.SpendKey> SPEND_ORDER = Comparator
            .comparing(UsageFileLine.SpendKey::month).thenComparing(UsageFileLine.SpendKey::team)
            .thenComparing(k -> k.keyId() == null ? "" : k.keyId());

    /** A line that is not a record, with its number in the old file. */
    record Unreadable(long lineNumber, String text) {
    }

    /**
     * The new file, written and synced: {@code end} bytes of the old file went into it.
     * {@code oldestKeptDay} is null when no record was kept.
     */
    record Prepared(Path temp, long end, long rolledRecords, long keptRecords, int totalsLines, int spendLines,
                    List<Unreadable> unreadable, LocalDate oldestKeptDay) {
        /** Whether the new file is worth putting in place: it rolls records in or leaves unreadable lines out. */
        boolean changes() {
            return rolledRecords > 0 || !unreadable.isEmpty();
        }
    }

    private UsageFileCompaction() {
    }

    /** Writes the compacted form of {@code file}'s first {@code end} bytes to {@code temp}; null when {@code cancelled}. */
    static Prepared prepare(Path file, long end, LocalDate keepFrom, Path temp, BooleanSupplier cancelled)
            throws IOException {
        Map<UsageKey, UsageTotals> totals = new HashMap<>();
        Map<UsageFileLine.SpendKey, Long> spend = new HashMap<>();
        List<Unreadable> unreadable = new ArrayList<>();
        long[] counts = new long[2];
        LocalDate[] oldestKept = new LocalDate[1];
        Files.deleteIfExists(temp);
        try (FileChannel channel = FileUsageStore.createLike(file, temp, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE);
             Writer out = new BufferedWriter(Channels.newWriter(channel, StandardCharsets.UTF_8), 1 << 16)) {
            boolean[] stopped = new boolean[1];
            UsageFileReader.read(file, end, (number, offset, text, terminated) -> {
                if (stopped[0] || text.isBlank()) {
                    return;
                }
                if ((number & 0xFFF) == 0 && cancelled.getAsBoolean()) {
                    stopped[0] = true;
                    return;
                }
                UsageFileLine line;
                try {
                    line = UsageFileLine.parse(text);
                } catch (IllegalArgumentException e) {
                    unreadable.add(new Unreadable(number, text));
                    return;
                }
                switch (line) {
                    case UsageFileLine.Record(UsageRecord r) when r.day().isBefore(keepFrom) -> {
                        totals.merge(UsageKey.of(r), UsageTotals.of(r), UsageTotals::plus);
                        spend.merge(UsageFileLine.SpendKey.of(r), r.costNanos(), Long::sum);
                        counts[0]++;
                    }
                    case UsageFileLine.Record(UsageRecord r) -> {
                        out.write(text);
                        out.write('\n');
                        counts[1]++;
                        if (oldestKept[0] == null || r.day().isBefore(oldestKept[0])) {
                            oldestKept[0] = r.day();
                        }
                    }
                    case UsageFileLine.Totals t -> totals.merge(t.key(), t.totals(), UsageTotals::plus);
                    case UsageFileLine.Spend s -> spend.merge(s.key(), s.costNanos(), Long::sum);
                }
            });
            if (stopped[0]) {
                out.close();
                Files.deleteIfExists(temp);
                return null;
            }
            List<UsageKey> keys = new ArrayList<>(totals.keySet());
            keys.sort(KEY_ORDER);
            for (UsageKey key : keys) {
                out.write(new UsageFileLine.Totals(key, totals.get(key)).json());
                out.write('\n');
            }
            List<UsageFileLine.SpendKey> spendKeys = new ArrayList<>(spend.keySet());
            spendKeys.sort(SPEND_ORDER);
            for (UsageFileLine.SpendKey key : spendKeys) {
                out.write(new UsageFileLine.Spend(key, spend.get(key)).json());
                out.write('\n');
            }
            out.flush();
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        return new Prepared(temp, end, counts[0], counts[1], totals.size(), spend.size(), List.copyOf(unreadable),
                oldestKept[0]);
    }
}
