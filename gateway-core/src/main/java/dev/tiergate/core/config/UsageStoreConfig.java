package dev.tiergate.core.config;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/**
 * How the usage store keeps its records: when the usage file is synced to disk ({@code usage.fsync},
 * {@code usage.fsync-interval-ms}).
 */
public record UsageStoreConfig(Fsync fsync, int fsyncIntervalMs) {
    public static final int DEFAULT_FSYNC_INTERVAL_MS = 1000;

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
    }

    public static UsageStoreConfig defaults() {
        return new UsageStoreConfig(Fsync.INTERVAL, DEFAULT_FSYNC_INTERVAL_MS);
    }
}
