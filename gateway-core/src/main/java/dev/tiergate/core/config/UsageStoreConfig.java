package dev.tiergate.core.config;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/**
 * How the usage store keeps its records: when the usage file is synced to disk ({@code usage.fsync},
 * {@code usage.fsync-interval-ms}), for how many UTC days records stay whole before compaction
 * rolls them into daily totals ({@code usage.keep-records-days}; the file and the Redis stream), and
 * how much the usage file may grow before it is compacted again ({@code usage.compact-after-mb}).
 */
public record UsageStoreConfig(Fsync fsync, int fsyncIntervalMs, int keepRecordsDays, int compactAfterMb) {
    public static final int DEFAULT_FSYNC_INTERVAL_MS = 1000;
    public static final int DEFAULT_KEEP_RECORDS_DAYS = 7;
    public static final int DEFAULT_COMPACT_AFTER_MB = 64;

    /** When the usage file's writes are forced to disk. */
    public enum Fsync {
        /** After every batch the writer hands to the file, before it takes the next. */
        EVERY_BATCH,
        /** Every {@code fsync-interval-ms}, from a thread of its own, when anything was written since. */
        INTERVAL,
        /** Only when the gateway stops; the operating system writes dirty pages when it likes. */
        ON_CLOSE;

        /** The YAML name: {@code every-batch}, {@code interval}, {@code on-close}. */
        public String yamlName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** The policy of a YAML name, or null when there is none of that name. */
        public static Fsync ofYamlName(String name) {
            for (Fsync policy : values()) {
                if (policy.yamlName().equals(name)) {
                    return policy;
                }
            }
            return null;
        }
    }

    public UsageStoreConfig {
        requireNonNull(fsync, "fsync");
        if (fsyncIntervalMs <= 0) {
            throw new IllegalArgumentException("fsyncIntervalMs: " + fsyncIntervalMs + " (expected: > 0)");
        }
        if (keepRecordsDays <= 0) {
            throw new IllegalArgumentException("keepRecordsDays: " + keepRecordsDays + " (expected: > 0)");
        }
        if (compactAfterMb <= 0) {
            throw new IllegalArgumentException("compactAfterMb: " + compactAfterMb + " (expected: > 0)");
        }
    }

    public static UsageStoreConfig defaults() {
        return new UsageStoreConfig(Fsync.INTERVAL, DEFAULT_FSYNC_INTERVAL_MS, DEFAULT_KEEP_RECORDS_DAYS,
                DEFAULT_COMPACT_AFTER_MB);
    }

    public long compactAfterBytes() {
        return (long) compactAfterMb << 20;
    }
}
