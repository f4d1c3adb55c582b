package dev.tiergate.cache.semantic;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * One team's semantic cache settings (YAML {@code cache.semantic} under a team, kebab-case keys
 * {@code enabled}, {@code threshold}, {@code ttl}, {@code namespace}, {@code encryption-key}).
 * Immutable; start from {@link #defaults()} or another team's settings with {@link #toBuilder()}.
 *
 * @param enabled       whether the team's requests use the semantic cache at all
 * @param threshold     the least cosine similarity of a hit, for the configured embedding model;
 *                      with a pair verifier, the floor of the candidates it checks
 * @param ttl           how long an entry lives; {@link Duration#ZERO} reads but never stores
 * @param namespace     whose entries the team shares; null for the team's own id (isolated)
 * @param encryptionKey the team's own AES key (128, 192 or 256 bits) protecting its entries, or
 *                      null for the cache-wide key ({@link SemanticCacheSettings#cacheKey()}):
 *                      entries are always sealed, this only chooses with which key
 * @param precisionTarget with a pair verifier, the precision its operating point is chosen for
 *                      (from its calibration curve); above 0.5 and below 1
 */
public record SemanticTeamSettings(
        boolean enabled,
        double threshold,
        Duration ttl,
        String namespace,
        SecretKey encryptionKey,
        double precisionTarget) {

    /**
     * The threshold chosen for all-minilm-l6-v2-q with the default guards; its measured precision
     * and recall are in docs/semantic-cache.md. Other models need their own.
     */
    public static final double DEFAULT_THRESHOLD = 0.88;
    /** The cosine floor of the candidates a pair verifier checks (measured: docs/semantic-cache.md). */
    public static final double DEFAULT_VERIFIER_FLOOR = 0.70;
    public static final double DEFAULT_PRECISION_TARGET = 0.97;
    public static final Duration DEFAULT_TTL = Duration.ofHours(1);
    private static final SemanticTeamSettings DEFAULTS =
            new SemanticTeamSettings(true, DEFAULT_THRESHOLD, DEFAULT_TTL, null, null, DEFAULT_PRECISION_TARGET);

    public SemanticTeamSettings {
        if (!(threshold > 0 && threshold <= 1)) {
            throw new IllegalArgumentException("threshold: " + threshold + " (expected: > 0 and <= 1)");
        }
        requireNonNull(ttl, "ttl");
        if (ttl.isNegative()) {
            throw new IllegalArgumentException("ttl: " + ttl + " (expected: >= 0)");
        }
        if (namespace != null && namespace.isBlank()) {
            throw new IllegalArgumentException("namespace: \"" + namespace + "\" (expected: non-blank, or absent)");
        }
        checkPrecisionTarget(precisionTarget);
        if (encryptionKey != null) {
            int bits = encryptionKey.getEncoded().length * 8;
            if (!"AES".equalsIgnoreCase(encryptionKey.getAlgorithm()) || (bits != 128 && bits != 192 && bits != 256)) {
                throw new IllegalArgumentException("encryption-key: " + encryptionKey.getAlgorithm() + " " + bits
                        + " bits (expected: AES, 128, 192 or 256 bits)");
            }
        }
    }

    /** Enabled, threshold {@value #DEFAULT_THRESHOLD}, one hour, the team's own namespace, the cache-wide key. */
    public static SemanticTeamSettings defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder(DEFAULTS);
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    private static double checkPrecisionTarget(double target) {
        if (!(target > 0.5 && target < 1)) {
            throw new IllegalArgumentException("precision-target: " + target + " (expected: > 0.5 and < 1)");
        }
        return target;
    }

    /** The namespace of a team's entries: the configured one, or the team id. */
    public String namespaceFor(String teamId) {
        return namespace != null ? namespace : teamId;
    }

    @Override
    public String toString() {
        // Never print the key.
        return "SemanticTeamSettings[enabled=" + enabled + ", threshold=" + threshold + ", ttl=" + ttl
                + ", namespace=" + namespace + ", ownKey=" + (encryptionKey != null) + ", precisionTarget="
                + precisionTarget + "]";
    }

    /** Builds {@link SemanticTeamSettings}; every setter validates at once. */
    public static final class Builder {
        private boolean enabled;
        private double threshold;
        private Duration ttl;
        private String namespace;
        private SecretKey encryptionKey;
        private double precisionTarget;

        private Builder(SemanticTeamSettings from) {
            this.precisionTarget = from.precisionTarget;
            this.enabled = from.enabled;
            this.threshold = from.threshold;
            this.ttl = from.ttl;
            this.namespace = from.namespace;
            this.encryptionKey = from.encryptionKey;
        }

        public Builder enabled(boolean on) {
            this.enabled = on;
            return this;
        }

        public Builder threshold(double minSimilarity) {
            if (!(minSimilarity > 0 && minSimilarity <= 1)) {
                throw new IllegalArgumentException("threshold: " + minSimilarity + " (expected: > 0 and <= 1)");
            }
            this.threshold = minSimilarity;
            return this;
        }

        public Builder ttl(Duration newTtl) {
            requireNonNull(newTtl, "ttl");
            if (newTtl.isNegative()) {
                throw new IllegalArgumentException("ttl: " + newTtl + " (expected: >= 0)");
            }
            this.ttl = newTtl;
            return this;
        }

        /** Teams naming the same namespace share entries; null for the team's own. */
        public Builder namespace(String newNamespace) {
            if (newNamespace != null && newNamespace.isBlank()) {
                throw new IllegalArgumentException("namespace: \"" + newNamespace
                        + "\" (expected: non-blank, or null)");
            }
            this.namespace = newNamespace;
            return this;
        }

        /** A raw AES key of 16, 24 or 32 bytes; null for the cache-wide key. The array is copied. */
        public Builder encryptionKey(byte[] rawKey) {
            if (rawKey == null) {
                this.encryptionKey = null;
                return this;
            }
            if (rawKey.length != 16 && rawKey.length != 24 && rawKey.length != 32) {
                throw new IllegalArgumentException("encryption-key: " + rawKey.length
                        + " bytes (expected: 16, 24 or 32)");
            }
            this.encryptionKey = new SecretKeySpec(Arrays.copyOf(rawKey, rawKey.length), "AES");
            return this;
        }

        /** A base64 AES key of 16, 24 or 32 bytes, as YAML or an environment variable holds it. */
        public Builder encryptionKeyBase64(String base64) {
            if (base64 == null) {
                return encryptionKey((byte[]) null);
            }
            byte[] raw;
            try {
                raw = Base64.getDecoder().decode(base64.strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("encryption-key: not base64 (expected: 16, 24 or 32 bytes"
                        + " in base64)", e);
            }
            return encryptionKey(raw);
        }

        /** With a pair verifier: the precision its operating point aims at (default 0.97). */
        public Builder precisionTarget(double target) {
            this.precisionTarget = checkPrecisionTarget(target);
            return this;
        }

        public SemanticTeamSettings build() {
            return new SemanticTeamSettings(enabled, threshold, ttl, namespace, encryptionKey, precisionTarget);
        }
    }
}
