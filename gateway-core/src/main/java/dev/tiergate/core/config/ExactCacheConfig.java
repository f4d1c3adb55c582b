package dev.tiergate.core.config;

import java.time.Duration;

/**
 * {@code cache.exact:} in gateway.yaml. {@code cacheNonDeterministic}: whether requests that sample
 * (temperature above 0 or absent, and no seed) are cached too; teams may override it.
 */
public record ExactCacheConfig(boolean enabled, long maxSizeMb, Duration ttl, boolean cacheNonDeterministic) {
    public static ExactCacheConfig defaults() {
        return new ExactCacheConfig(true, 64, Duration.ofHours(1), true);
    }

    public static ExactCacheConfig disabled() {
        return new ExactCacheConfig(false, 64, Duration.ofHours(1), true);
    }
}
