package dev.tiergate.core.accounting;

import static java.util.Objects.requireNonNull;

import java.time.LocalDate;

/**
 * The grain of the usage totals: a UTC day, a team, the model that answered, its provider, the
 * tier and the cache outcome. Absent values are {@value #NONE}.
 */
public record UsageKey(LocalDate day, String team, String model, String provider, String tier, String cache) {
    public static final String NONE = "none";

    public UsageKey {
        requireNonNull(day, "day");
        requireNonNull(team, "team");
        model = orNone(model);
        provider = orNone(provider);
        tier = orNone(tier);
        cache = orNone(cache);
    }

    public static UsageKey of(UsageRecord record) {
        return new UsageKey(record.day(), record.team(), record.model(), record.provider(), record.tier(),
                record.cache());
    }

    /** Whether the answer came from a cache, so its saving is a cache saving. */
    public boolean cacheHit() {
        return cache.equals("hit") || cache.equals("semantic-hit");
    }

    private static String orNone(String value) {
        return value == null || value.isEmpty() ? NONE : value;
    }
}
