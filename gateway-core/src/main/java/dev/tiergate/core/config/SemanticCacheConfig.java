package dev.tiergate.core.config;

import java.time.Duration;

/**
 * {@code cache.semantic} in gateway.yaml: stage 2. {@code redisUrl} empty means the in-memory store.
 * {@code threshold} belongs to {@code model} (each model has its own similarity scale); with the
 * verifier it is the floor of the candidates it checks, and {@code precisionTarget} picks its
 * operating point. {@code encryptionKeyBase64} (null when absent) protects the entries of teams
 * without their own key; without it a generated key is kept in {@code keyFile} ("" for the file
 * beside the usage data).
 */
public record SemanticCacheConfig(
        boolean enabled,
        String model,
        double threshold,
        Duration ttl,
        long maxSizeMb,
        String redisUrl,
        double precisionTarget,
        String encryptionKeyBase64,
        String keyFile) {

    public static final String DEFAULT_MODEL = "all-minilm-l6-v2-q";
    public static final double DEFAULT_PRECISION_TARGET = 0.97;

    public static SemanticCacheConfig disabled() {
        return new SemanticCacheConfig(false, DEFAULT_MODEL, 0.88, Duration.ofHours(1), 64, "",
                DEFAULT_PRECISION_TARGET, null, "");
    }

    public boolean usesRedis() {
        return redisUrl != null && !redisUrl.isBlank();
    }

    @Override
    public String toString() {
        return "SemanticCacheConfig[enabled=" + enabled + ", model=" + model + ", threshold=" + threshold + ", ttl="
                + ttl + ", maxSizeMb=" + maxSizeMb + ", redisUrl=" + redisUrl + ", precisionTarget=" + precisionTarget
                + ", encryptionKey=" + (encryptionKeyBase64 == null ? "none" : "***") + ", keyFile=" + keyFile + "]";
    }
}
