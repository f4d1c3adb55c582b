package dev.tiergate.core.config;

import java.time.Duration;

/** {@code cache.semantic} in a team file; null fields inherit gateway.yaml's. */
public record TeamSemanticCacheConfig(Boolean enabled, Double threshold, Duration ttl, String namespace,
                                      String encryptionKeyBase64, Double precisionTarget) {
    public static final TeamSemanticCacheConfig INHERIT =
            new TeamSemanticCacheConfig(null, null, null, null, null, null);

    @Override
    public String toString() {
        return "TeamSemanticCacheConfig[enabled=" + enabled + ", threshold=" + threshold + ", ttl=" + ttl
                + ", namespace=" + namespace + ", encryptionKey=" + (encryptionKeyBase64 == null ? "none" : "***")
                + ", precisionTarget=" + precisionTarget + "]";
    }
}
