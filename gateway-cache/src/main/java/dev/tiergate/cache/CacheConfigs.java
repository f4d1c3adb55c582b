package dev.tiergate.cache;

import dev.tiergate.cache.exact.ExactCacheSettings;
import dev.tiergate.cache.semantic.SemanticCacheSettings;
import dev.tiergate.cache.semantic.SemanticTeamSettings;
import dev.tiergate.cache.semantic.sealing.CacheKeyFile;
import dev.tiergate.cache.semantic.store.InMemorySemanticStore;
import dev.tiergate.cache.semantic.store.RedisSemanticStore;
import dev.tiergate.cache.semantic.store.SemanticStore;
import dev.tiergate.core.config.ExactCacheConfig;
import dev.tiergate.core.config.GatewayConfig;
import dev.tiergate.core.config.SemanticCacheConfig;
import dev.tiergate.core.config.TeamCacheConfig;
import dev.tiergate.core.memory.HeapShare;
import dev.tiergate.core.config.TeamConfig;
import dev.tiergate.core.config.TeamSemanticCacheConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/** The cache module's settings from the gateway config: what the composition root builds stages with. */
public final class CacheConfigs {
    private CacheConfigs() {
    }

    public static ExactCacheSettings exactCacheSettings(GatewayConfig config) {
        ExactCacheConfig cache = config.exactCache();
        Map<String, Duration> ttls = new HashMap<>();
        Map<String, String> namespaces = new HashMap<>();
        Map<String, Boolean> nonDeterministic = new HashMap<>();
        for (TeamConfig team : config.teams().values()) {
            TeamCacheConfig t = team.cache();
            if (t.ttl() != null) {
                ttls.put(team.id(), t.ttl());
            }
            if (t.namespace() != null) {
                namespaces.put(team.id(), t.namespace());
            }
            nonDeterministic.put(team.id(), t.cacheNonDeterministic() != null ? t.cacheNonDeterministic()
                    : cache.cacheNonDeterministic());
        }
        return ExactCacheSettings.builder()
                .maxSizeMb(HeapShare.cacheMegabytes("cache.exact.max-size-mb", cache.maxSizeMb()))
                .defaultTtl(cache.ttl())
                .teamTtls(ttls)
                .namespaces(namespaces)
                .cacheNonDeterministic(caller -> nonDeterministic.getOrDefault(caller.teamId(), cache.cacheNonDeterministic()))
                .build();
    }

    public static SemanticCacheSettings semanticCacheSettings(GatewayConfig config) {
        SemanticCacheConfig c = config.semanticCache();
        SemanticTeamSettings defaults = SemanticTeamSettings.defaults().toBuilder()
                .enabled(true).threshold(c.threshold()).ttl(c.ttl()).precisionTarget(c.precisionTarget()).build();
        SemanticCacheSettings.Builder settings = SemanticCacheSettings.builder()
                .defaults(defaults)
                .cacheNonDeterministic(config.exactCache().cacheNonDeterministic())
                .cacheKey(semanticCacheKey(config));
        for (TeamConfig team : config.teams().values()) {
            TeamSemanticCacheConfig t = team.cache().semantic();
            SemanticTeamSettings.Builder b = defaults.toBuilder();
            if (t.enabled() != null) {
                b.enabled(t.enabled());
            }
            if (t.threshold() != null) {
                b.threshold(t.threshold());
            }
            if (t.ttl() != null) {
                b.ttl(t.ttl());
            }
            // The semantic cache shares the exact cache's namespace unless the team names its own.
            String namespace = t.namespace() != null ? t.namespace() : team.cache().namespace();
            if (namespace != null) {
                b.namespace(namespace);
            }
            if (t.precisionTarget() != null) {
                b.precisionTarget(t.precisionTarget());
            }
            if (t.encryptionKeyBase64() != null) {
                b.encryptionKeyBase64(t.encryptionKeyBase64());
            }
            settings.team(team.id(), b.build());
        }
        return settings.build();
    }

    /**
     * The key of teams without their own: {@code cache.semantic.encryption-key}, else the key kept in
     * {@code cache.semantic.key-file}, by default {@value CacheKeyFile#FILE_NAME} beside the usage
     * file (generated on first use, 0600). Replicas share entries exactly when they share this key.
     */
    public static SecretKey semanticCacheKey(GatewayConfig config) {
        SemanticCacheConfig c = config.semanticCache();
        if (c.encryptionKeyBase64() != null) {
            return new SecretKeySpec(Base64.getDecoder().decode(c.encryptionKeyBase64().strip()), "AES");
        }
        return CacheKeyFile.loadOrCreate(semanticKeyFile(config));
    }

    /** Where the generated semantic cache key lives: {@code key-file}, or beside the usage file. */
    public static Path semanticKeyFile(GatewayConfig config) {
        String configured = config.semanticCache().keyFile();
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        Path usage = Path.of(config.accounting().usageFile()).toAbsolutePath();
        return usage.resolveSibling(CacheKeyFile.FILE_NAME);
    }

    /** The embedding model whose token states the bundled pair verifier was trained on. */
    public static String verifierModel() {
        return SemanticCacheConfig.DEFAULT_MODEL;
    }

    /** The semantic store the config names: Redis at {@code redis-url}, else in memory. */
    public static SemanticStore semanticStore(SemanticCacheConfig c) {
        return c.usesRedis()
                ? RedisSemanticStore.builder(c.redisUrl()).build()
                : InMemorySemanticStore.builder()
                        .maxSizeMb(HeapShare.cacheMegabytes("cache.semantic.max-size-mb", c.maxSizeMb())).build();
    }

    /** Each team's cache settings: the exact cache is rebuilt (and emptied) only when these or its own change. */
    public static Map<String, TeamCacheConfig> teamCaches(GatewayConfig config) {
        Map<String, TeamCacheConfig> caches = new HashMap<>();
        config.teams().values().forEach(team -> caches.put(team.id(), team.cache()));
        return caches;
    }

}
