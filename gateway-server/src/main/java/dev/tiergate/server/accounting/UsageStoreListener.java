package dev.tiergate.server.accounting;

import java.time.Duration;

/**
 * What the usage stores report besides records: unreadable records they met, and compactions. The
 * metrics listen ({@code GatewayMetrics#usageStoreListener}, one listener per store); the stores
 * know nothing of Micrometer.
 */
public interface UsageStoreListener {
    /** Listens to nothing. */
    UsageStoreListener NONE = new UsageStoreListener() {
        @Override
        public void corruptRecord(CorruptKind kind) {
        }

        @Override
        public void compacted(long rolledRecords, Duration took) {
        }
    };

    /** How a record was unreadable. */
    enum CorruptKind {
        /** A line in the middle of the file, or a stream entry, that is not a record. */
        UNREADABLE("unreadable"),
        /** The file's last line, cut short by a crash while it was written. */
        TORN("torn");

        private final String tag;

        CorruptKind(String tag) {
            this.tag = tag;
        }

        /** The metric tag value. */
        public String tag() {
            return tag;
        }
    }

    /** One unreadable record was found (and left out of the totals). */
    void corruptRecord(CorruptKind kind);

    /** A compaction rolled {@code rolledRecords} records into totals (or trimmed them from the stream) in {@code took}. */
    void compacted(long rolledRecords, Duration took);
}
