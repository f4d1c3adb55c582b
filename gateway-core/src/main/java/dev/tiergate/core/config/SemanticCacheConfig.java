package dev.tiergate.core.config;

import java.time.Duration;

/**
 * {@code cache.semantic} in gateway.yaml: stage 2. {@code redisUrl} empty means the in-memory store.
 * {@code threshold} belongs to {@code model} (each model has its own similarity scale); with the
 * pair verifier ({@code verifier}, default on) it is the floor of the candidates it checks, and
 * {@code precisionTarget} picks its operating point. {@code encryptionKeyBase64} (null when absent) protects the entries of teams
 * without their own key; without it a generated key is kept in {@code keyFile} ("" for the file
 * beside the usage data). {@code onlineVerification}: the background checks of served hits.
 * {@code lookupTimeout}: how long a request waits for its lookup before it goes on without it;
 * {@code backgroundLookups}: lookups run at the lowest OS priority, on CPU the rest leaves idle.
 */
public record SemanticCacheConfig(
        boolean enabled,
        String model,
        double threshold,
        Duration ttl,
        long maxSizeMb,
        String redisUrl,
        boolean verifier,
        double precisionTarget,
        String encryptionKeyBase64,
        String keyFile,
        OnlineVerificationConfig onlineVerification,
        Duration lookupTimeout,
        boolean backgroundLookups) {

    public static final String DEFAULT_MODEL = "all-minilm-l6-v2-q";
    public static final double DEFAULT_PRECISION_TARGET = 0.97;
    /** The default {@code threshold} without the verifier: the least cosine of a hit. */
    public static final double DEFAULT_THRESHOLD = 0.88;
    /** The default {@code threshold} with the verifier: the least cosine of a candidate it checks. */
    public static final double DEFAULT_VERIFIER_FLOOR = 0.70;
    /** The default {@code lookupTimeout}: a lookup takes ~5 ms on an idle core. */
    public static final Duration DEFAULT_LOOKUP_TIMEOUT = Duration.ofMillis(250);

    public static SemanticCacheConfig disabled() {
        return new SemanticCacheConfig(false, DEFAULT_MODEL, DEFAULT_VERIFIER_FLOOR, Duration.ofHours(1), 64, "",
                true, DEFAULT_PRECISION_TARGET, null, "", OnlineVerificationConfig.defaults(), DEFAULT_LOOKUP_TIMEOUT,
                false);
    }

    public boolean usesRedis() {
        return redisUrl != null && !redisUrl.isBlank();
    }

    @Override
    public String toString() {
        return "SemanticCacheConfig[enabled=" + enabled + ", model=" + model + ", threshold=" + threshold + ", ttl="
                + ttl + ", maxSizeMb=" + maxSizeMb + ", redisUrl=" + redisUrl + ", verifier=" + verifier
                + ", precisionTarget=" + precisionTarget
                + ", encryptionKey=" + (encryptionKeyBase64 == null ? "none" : "***") + ", keyFile=" + keyFile
                + ", onlineVerification=" + onlineVerification + ", lookupTimeout=" + lookupTimeout
                + ", backgroundLookups=" + backgroundLookups + "]";
    }
}
