package dev.tiergate.core.config;

import java.time.Duration;

/**
 * {@code cache.semantic} in gateway.yaml: stage 2. {@code redisUrl} empty means the in-memory store.
 * {@code threshold} belongs to {@code model} (each model has its own similarity scale).
 */
public record SemanticCacheConfig(
        boolean enabled,
        String model,
        double threshold,
        Duration ttl,
        long maxSizeMb,
        String redisUrl) {

    public static final String DEFAULT_MODEL = "all-minilm-l6-v2-q";

    public static SemanticCacheConfig disabled() {
        return new SemanticCacheConfig(false, DEFAULT_MODEL, 0.88, Duration.ofHours(1), 64, "");
    }

    public boolean usesRedis() {
        return redisUrl != null && !redisUrl.isBlank();
    }
}
