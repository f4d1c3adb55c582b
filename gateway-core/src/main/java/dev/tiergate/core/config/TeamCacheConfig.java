package dev.tiergate.core.config;

import java.time.Duration;

/**
 * {@code cache:} in a team file; null fields take the gateway's settings. Teams that name the same
 * {@code namespace} share cached answers; otherwise a team's entries are its own.
 */
public record TeamCacheConfig(Duration ttl, String namespace, Boolean cacheNonDeterministic,
                              TeamSemanticCacheConfig semantic) {
    public static final TeamCacheConfig INHERIT = new TeamCacheConfig(null, null, null);

    public TeamCacheConfig {
        semantic = semantic == null ? TeamSemanticCacheConfig.INHERIT : semantic;
    }

    public TeamCacheConfig(Duration ttl, String namespace, Boolean cacheNonDeterministic) {
        this(ttl, namespace, cacheNonDeterministic, null);
    }
}
