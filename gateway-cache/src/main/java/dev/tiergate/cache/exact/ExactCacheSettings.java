package dev.tiergate.cache.exact;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.pipeline.Caller;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * How the exact cache is bounded and who shares what.
 *
 * @param maxSizeBytes          the bound on the approximate bytes of all entries (from {@code max-size-mb})
 * @param maxEntryBytes         the largest single answer recorded; a stream that grows past it is not stored
 * @param defaultTtl            how long an entry lives when the team has no override
 * @param ttlOverride           a team's TTL, or null for {@code defaultTtl}; {@link Duration#ZERO} turns storing off
 * @param cacheNonDeterministic whether a team caches requests that sample ({@code temperature} above 0,
 *                              or absent since OpenAI's default is 1, and no {@code seed}). Default: yes,
 *                              so a repeated prompt returns the same answer instead of a new sample
 * @param namespace             the namespace of a caller's entries; teams naming the same one share them.
 *                              Default: the team id, so teams are isolated
 */
public record ExactCacheSettings(
        long maxSizeBytes,
        long maxEntryBytes,
        Duration defaultTtl,
        Function<Caller, Duration> ttlOverride,
        Predicate<Caller> cacheNonDeterministic,
        Function<Caller, String> namespace) {

    public static final long DEFAULT_MAX_SIZE_MB = 64;
    public static final Duration DEFAULT_TTL = Duration.ofHours(1);
    private static final long MB = 1024L * 1024L;
    private static final long DEFAULT_MAX_ENTRY_BYTES = 4 * MB;

    public ExactCacheSettings {
        if (maxSizeBytes <= 0) {
            throw new IllegalArgumentException("maxSizeBytes: " + maxSizeBytes + " (expected: > 0)");
        }
        if (maxEntryBytes <= 0) {
            throw new IllegalArgumentException("maxEntryBytes: " + maxEntryBytes + " (expected: > 0)");
        }
        requireNonNull(defaultTtl, "defaultTtl");
        if (defaultTtl.isNegative() || defaultTtl.isZero()) {
            throw new IllegalArgumentException("defaultTtl: " + defaultTtl + " (expected: > 0)");
        }
        requireNonNull(ttlOverride, "ttlOverride");
        requireNonNull(cacheNonDeterministic, "cacheNonDeterministic");
        requireNonNull(namespace, "namespace");
    }

    public static ExactCacheSettings defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The TTL for a caller's entries: the team's override, or the default. */
    public Duration ttlFor(Caller caller) {
        Duration override = ttlOverride.apply(caller);
        return override == null ? defaultTtl : override;
    }

    public String namespaceFor(Caller caller) {
        String ns = namespace.apply(caller);
        return ns == null ? caller.teamId() : ns;
    }

    /** Builds {@link ExactCacheSettings}; every setter validates at once. */
    public static final class Builder {
        private long maxSizeBytes = DEFAULT_MAX_SIZE_MB * MB;
        private Long maxEntryBytes;
        private Duration defaultTtl = DEFAULT_TTL;
        private Function<Caller, Duration> ttlOverride = caller -> null;
        private Predicate<Caller> cacheNonDeterministic = caller -> true;
        private Function<Caller, String> namespace = Caller::teamId;

        private Builder() {
        }

        public Builder maxSizeMb(long megabytes) {
            if (megabytes <= 0) {
                throw new IllegalArgumentException("max-size-mb: " + megabytes + " (expected: > 0)");
            }
            this.maxSizeBytes = megabytes * MB;
            return this;
        }

        /** A bound in bytes, for tests and for callers that compute it themselves. */
        public Builder maxSizeBytes(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("maxSizeBytes: " + bytes + " (expected: > 0)");
            }
            this.maxSizeBytes = bytes;
            return this;
        }

        public Builder maxEntryBytes(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("maxEntryBytes: " + bytes + " (expected: > 0)");
            }
            this.maxEntryBytes = bytes;
            return this;
        }

        public Builder defaultTtl(Duration ttl) {
            requireNonNull(ttl, "ttl");
            if (ttl.isNegative() || ttl.isZero()) {
                throw new IllegalArgumentException("ttl: " + ttl + " (expected: > 0)");
            }
            this.defaultTtl = ttl;
            return this;
        }

        /** A team's TTL; the function returns null for the default. */
        public Builder ttlOverride(Function<Caller, Duration> override) {
            this.ttlOverride = requireNonNull(override, "override");
            return this;
        }

        /** TTLs by team id; teams not in the map use the default. */
        public Builder teamTtls(Map<String, Duration> ttlByTeam) {
            Map<String, Duration> copy = Map.copyOf(requireNonNull(ttlByTeam, "ttlByTeam"));
            copy.forEach((team, ttl) -> {
                if (ttl.isNegative()) {
                    throw new IllegalArgumentException("ttl of team " + team + ": " + ttl + " (expected: >= 0)");
                }
            });
            return ttlOverride(caller -> copy.get(caller.teamId()));
        }

        public Builder cacheNonDeterministic(boolean cache) {
            return cacheNonDeterministic(caller -> cache);
        }

        public Builder cacheNonDeterministic(Predicate<Caller> policy) {
            this.cacheNonDeterministic = requireNonNull(policy, "policy");
            return this;
        }

        public Builder namespace(Function<Caller, String> namespaceOf) {
            this.namespace = requireNonNull(namespaceOf, "namespaceOf");
            return this;
        }

        /** Namespaces by team id; teams not in the map get their own id. */
        public Builder namespaces(Map<String, String> namespaceByTeam) {
            Map<String, String> copy = Map.copyOf(requireNonNull(namespaceByTeam, "namespaceByTeam"));
            return namespace(caller -> copy.getOrDefault(caller.teamId(), caller.teamId()));
        }

        public ExactCacheSettings build() {
            long entry = maxEntryBytes != null ? maxEntryBytes : Math.min(DEFAULT_MAX_ENTRY_BYTES, maxSizeBytes);
            return new ExactCacheSettings(maxSizeBytes, entry, defaultTtl, ttlOverride, cacheNonDeterministic,
                    namespace);
        }
    }
}
