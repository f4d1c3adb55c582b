package dev.tiergate.core.pipeline;

import static java.util.Objects.requireNonNull;

import java.util.function.DoubleSupplier;

/**
 * A stage's own measure beyond its steps (which the runner counts): e.g. answers stored, entries
 * held. The server exposes each as a metric read when scraped, so the hot path pays nothing.
 * {@code tagKey}/{@code tagValue} (both null: none) must be fixed labels, never request data.
 */
public record StageMeter(String name, String description, Kind kind, String tagKey, String tagValue,
                         DoubleSupplier value) {
    public enum Kind { COUNTER, GAUGE }

    public StageMeter {
        requireNonNull(name, "name");
        requireNonNull(description, "description");
        requireNonNull(kind, "kind");
        requireNonNull(value, "value");
    }

    public static StageMeter counter(String name, String description, String tagKey, String tagValue,
                                     DoubleSupplier value) {
        return new StageMeter(name, description, Kind.COUNTER, tagKey, tagValue, value);
    }

    public static StageMeter gauge(String name, String description, DoubleSupplier value) {
        return new StageMeter(name, description, Kind.GAUGE, null, null, value);
    }
}
