package dev.tiergate.core.config;

import java.time.Duration;

/**
 * {@code cache.semantic} in a team file; null fields inherit gateway.yaml's. {@code onlineShare}
 * ({@code online-verification.share}) and {@code toleratedFalseHitRate}
 * ({@code online-verification.tolerated-false-hit-rate}, default 1 - precision target) are the
 * team's online verification settings.
 */
public record TeamSemanticCacheConfig(Boolean enabled, Double threshold, Duration ttl, String namespace,
                                      String encryptionKeyBase64, Double precisionTarget, Double onlineShare,
                                      Double toleratedFalseHitRate) {
    public static final TeamSemanticCacheConfig INHERIT =
            new TeamSemanticCacheConfig(null, null, null, null, null, null, null, null);

    @Override
    public String toString() {
        return "TeamSemanticCacheConfig[enabled=" + enabled + ", threshold=" + threshold + ", ttl=" + ttl
                + ", namespace=" + namespace + ", encryptionKey=" + (encryptionKeyBase64 == null ? "none" : "***")
                + ", precisionTarget=" + precisionTarget + ", onlineShare=" + onlineShare
                + ", toleratedFalseHitRate=" + toleratedFalseHitRate + "]";
    }
}
