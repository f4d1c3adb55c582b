package dev.tiergate.cache.semantic;

import static java.util.Objects.requireNonNull;

import dev.tiergate.cache.semantic.guard.Guard;
import dev.tiergate.cache.semantic.sealing.CacheKeys;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import javax.crypto.SecretKey;

/**
 * The semantic cache's settings: the defaults every team gets, per-team overrides by team id, and
 * the stage-wide options.
 *
 * <pre>{@code
 * SemanticCacheSettings settings = SemanticCacheSettings.builder()
 *         .defaults(SemanticTeamSettings.builder().threshold(0.93).ttl(Duration.ofHours(1)).build())
 *         .team("analytics", SemanticTeamSettings.builder().enabled(false).build())
 *         .team("support", SemanticTeamSettings.defaults().toBuilder().namespace("shared-support")
 *                 .encryptionKeyBase64(System.getenv("SUPPORT_CACHE_KEY")).build())
 *         .build();
 * }</pre>
 *
 * @param defaults              settings of teams without an entry in {@code teams}
 * @param teams                 settings by team id
 * @param guards                the lexical guards a hit must pass (default {@link #DEFAULT_GUARDS})
 * @param maxPromptChars        longer last user messages are not cached semantically (the model sees
 *                              only its first few hundred tokens, and long prompts rarely repeat)
 * @param maxEntryBytes         the largest answer recorded; a stream growing past it is not stored
 * @param maxCandidates         the most bucket members verified by exact cosine per lookup
 * @param cacheNonDeterministic whether requests that sample (temperature above 0, or absent, and no
 *                              seed) use the cache; default yes, as the exact cache does
 * @param cacheKey              the AES key protecting the entries of teams without their own
 *                              {@code encryption-key} (configured, or generated and kept in a key
 *                              file by the server); default a random key for this process's life
 */
public record SemanticCacheSettings(
        SemanticTeamSettings defaults,
        Map<String, SemanticTeamSettings> teams,
        Set<Guard> guards,
        int maxPromptChars,
        long maxEntryBytes,
        int maxCandidates,
        boolean cacheNonDeterministic,
        SecretKey cacheKey) {

    /** The guards measured to raise precision at a small recall cost (docs/semantic-cache.md). */
    public static final Set<Guard> DEFAULT_GUARDS =
            Set.copyOf(EnumSet.of(Guard.NUMBERS, Guard.NEGATION, Guard.QUOTED, Guard.POLARITY));
    public static final int DEFAULT_MAX_PROMPT_CHARS = 800;
    public static final long DEFAULT_MAX_ENTRY_BYTES = 1024L * 1024;
    public static final int DEFAULT_MAX_CANDIDATES = 64;

    public SemanticCacheSettings {
        requireNonNull(defaults, "defaults");
        teams = Map.copyOf(requireNonNull(teams, "teams"));
        guards = Set.copyOf(requireNonNull(guards, "guards"));
        if (maxPromptChars <= 0) {
            throw new IllegalArgumentException("maxPromptChars: " + maxPromptChars + " (expected: > 0)");
        }
        if (maxEntryBytes <= 0) {
            throw new IllegalArgumentException("maxEntryBytes: " + maxEntryBytes + " (expected: > 0)");
        }
        if (maxCandidates <= 0) {
            throw new IllegalArgumentException("maxCandidates: " + maxCandidates + " (expected: > 0)");
        }
        requireNonNull(cacheKey, "cacheKey");
        CacheKeys.of(cacheKey);   // validates its length
    }

    /** These settings with other guards (the pair verifier was trained with or without them). */
    public SemanticCacheSettings withGuards(Set<Guard> newGuards) {
        return new SemanticCacheSettings(defaults, teams, newGuards, maxPromptChars, maxEntryBytes, maxCandidates,
                cacheNonDeterministic, cacheKey);
    }

    /** The key protecting a team's entries: its own {@code encryption-key}, else {@link #cacheKey()}. */
    public SecretKey keyFor(SemanticTeamSettings team) {
        return team.encryptionKey() != null ? team.encryptionKey() : cacheKey;
    }

    @Override
    public String toString() {
        // Never print the key.
        return "SemanticCacheSettings[defaults=" + defaults + ", teams=" + teams + ", guards=" + guards
                + ", maxPromptChars=" + maxPromptChars + ", maxEntryBytes=" + maxEntryBytes + ", maxCandidates="
                + maxCandidates + ", cacheNonDeterministic=" + cacheNonDeterministic + "]";
    }

    /** Every default: each team on at {@link SemanticTeamSettings#DEFAULT_THRESHOLD}, isolated, a process key. */
    public static SemanticCacheSettings defaultSettings() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The settings of a team: its own entry, or the defaults. */
    public SemanticTeamSettings forTeam(String teamId) {
        return teams.getOrDefault(teamId, defaults);
    }

    /** A random key made once per process, for settings built without one. */
    private static final class ProcessKey {
        static final SecretKey KEY = CacheKeys.randomKey();
    }

    /** Builds {@link SemanticCacheSettings}; every setter validates at once. */
    public static final class Builder {
        private SemanticTeamSettings defaults = SemanticTeamSettings.defaults();
        private final Map<String, SemanticTeamSettings> teams = new LinkedHashMap<>();
        private Set<Guard> guards = DEFAULT_GUARDS;
        private int maxPromptChars = DEFAULT_MAX_PROMPT_CHARS;
        private long maxEntryBytes = DEFAULT_MAX_ENTRY_BYTES;
        private int maxCandidates = DEFAULT_MAX_CANDIDATES;
        private boolean cacheNonDeterministic = true;
        private SecretKey cacheKey;

        private Builder() {
        }

        /** The key of teams without their own; default a random key for this process's life. */
        public Builder cacheKey(SecretKey key) {
            this.cacheKey = requireNonNull(key, "cacheKey");
            return this;
        }

        public Builder defaults(SemanticTeamSettings teamDefaults) {
            this.defaults = requireNonNull(teamDefaults, "defaults");
            return this;
        }

        public Builder team(String teamId, SemanticTeamSettings settings) {
            requireNonNull(teamId, "teamId");
            requireNonNull(settings, "settings");
            if (teams.putIfAbsent(teamId, settings) != null) {
                throw new IllegalArgumentException("team " + teamId + ": configured twice (expected: once)");
            }
            return this;
        }

        public Builder teams(Map<String, SemanticTeamSettings> byTeam) {
            requireNonNull(byTeam, "teams").forEach(this::team);
            return this;
        }

        public Builder guards(Set<Guard> enabled) {
            this.guards = Set.copyOf(requireNonNull(enabled, "guards"));
            return this;
        }

        public Builder maxPromptChars(int chars) {
            if (chars <= 0) {
                throw new IllegalArgumentException("maxPromptChars: " + chars + " (expected: > 0)");
            }
            this.maxPromptChars = chars;
            return this;
        }

        public Builder maxEntryBytes(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("maxEntryBytes: " + bytes + " (expected: > 0)");
            }
            this.maxEntryBytes = bytes;
            return this;
        }

        public Builder maxCandidates(int candidates) {
            if (candidates <= 0) {
                throw new IllegalArgumentException("maxCandidates: " + candidates + " (expected: > 0)");
            }
            this.maxCandidates = candidates;
            return this;
        }

        public Builder cacheNonDeterministic(boolean cache) {
            this.cacheNonDeterministic = cache;
            return this;
        }

        public SemanticCacheSettings build() {
            return new SemanticCacheSettings(defaults, teams, guards, maxPromptChars, maxEntryBytes, maxCandidates,
                    cacheNonDeterministic, cacheKey != null ? cacheKey : ProcessKey.KEY);
        }
    }
}
