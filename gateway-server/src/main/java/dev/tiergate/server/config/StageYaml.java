package dev.tiergate.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tiergate.core.config.OnlineVerificationConfig;
import dev.tiergate.core.config.CascadeConfig;
import dev.tiergate.core.config.RoutingPolicyConfig;
import dev.tiergate.core.config.SemanticCacheConfig;
import dev.tiergate.core.config.TeamSemanticCacheConfig;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads the semantic cache ({@code cache.semantic}) and router ({@code router}) sections. */
final class StageYaml {
    static final Set<String> SEMANTIC_KEYS = Set.of("enabled", "model", "threshold", "ttl-seconds", "max-size-mb",
            "redis-url", "verifier", "precision-target", "encryption-key", "key-file", "online-verification",
            "lookup-timeout-ms", "lookup-priority");
    private static final Set<String> LOOKUP_PRIORITIES = Set.of("background", "normal");
    static final Set<String> TEAM_SEMANTIC_KEYS = Set.of("enabled", "threshold", "ttl-seconds", "namespace",
            "encryption-key", "precision-target", "online-verification");
    static final Set<String> ONLINE_KEYS = Set.of("share", "timeout-seconds", "max-concurrent", "window",
            "min-checks", "answer-similarity", "max-tightenings");
    static final Set<String> TEAM_ONLINE_KEYS = Set.of("share", "tolerated-false-hit-rate");
    static final Set<String> ROUTER_KEYS = Set.of("enabled", "thresholds", "route", "route-models", "gates",
            "pin-tier", "min-tier", "quality-target", "max-frontier-share", "learning", "mode", "cascade-checks",
            "cascade-min-mean-logprob", "cascade-min-token-logprob", "cascade-streams", "cascade-hold-bytes",
            "cascade-hold-ms");
    private static final Set<String> MODES = Set.of("classifier", "cascade");
    private static final List<String> CASCADE_CHECKS = List.of("refusal", "truncated", "invalid-json", "low-logprob");
    private static final Set<String> CASCADE_STREAMS = Set.of("off", "buffered");
    private static final Set<String> THRESHOLD_KEYS = Set.of("mid", "frontier");
    private static final Set<String> GATE_KEYS = Set.of("tools", "images", "json-schema", "long-context-tokens");
    private static final Set<String> MODELS = Set.of("all-minilm-l6-v2-q", "all-minilm-l6-v2", "bge-small-en-v15-q",
            "bge-small-en-v15");
    private static final Set<String> TIERS = Set.of("small", "mid", "frontier");

    private StageYaml() {
    }

    static SemanticCacheConfig semanticCache(YamlFields g) {
        String p = "cache.semantic";
        g.onlyKeys(p, SEMANTIC_KEYS);
        SemanticCacheConfig d = SemanticCacheConfig.disabled();
        String model = g.string(p + ".model", d.model());
        if (!MODELS.contains(model)) {
            g.problem(p + ".model", "'" + model + "' (expected one of: " + String.join(", ", MODELS) + ")");
        }
        boolean verifier = g.bool(p + ".verifier", true);
        return new SemanticCacheConfig(
                g.bool(p + ".enabled", false),
                model,
                threshold(g, p + ".threshold", verifier ? SemanticCacheConfig.DEFAULT_VERIFIER_FLOOR
                        : SemanticCacheConfig.DEFAULT_THRESHOLD),
                Duration.ofSeconds(g.number(p + ".ttl-seconds", d.ttl().toSeconds(), 1, 365L * 86_400)),
                g.number(p + ".max-size-mb", d.maxSizeMb(), 1, 1_048_576),
                g.string(p + ".redis-url", ""),
                verifier,
                precisionTarget(g, p + ".precision-target", d.precisionTarget()),
                aesKey(g, p + ".encryption-key"),
                g.string(p + ".key-file", ""),
                onlineVerification(g, p + ".online-verification"),
                Duration.ofMillis(g.number(p + ".lookup-timeout-ms", d.lookupTimeout().toMillis(), 1, 60_000)),
                "background".equals(oneOf(g, p + ".lookup-priority", LOOKUP_PRIORITIES)));
    }

    /** {@code cache.semantic.online-verification} of gateway.yaml. */
    private static OnlineVerificationConfig onlineVerification(YamlFields g, String p) {
        g.onlyKeys(p, ONLINE_KEYS);
        OnlineVerificationConfig d = OnlineVerificationConfig.defaults();
        Double share = optionalShare(g, p + ".share", true);
        int window = (int) g.number(p + ".window", d.window(), 1, 100_000);
        int minChecks = (int) g.number(p + ".min-checks", d.minChecks(), 1, 100_000);
        if (minChecks > window) {
            g.problem(p + ".min-checks", minChecks + " (expected: at most window, " + window + ")");
        }
        return new OnlineVerificationConfig(
                share == null ? d.share() : share,
                Duration.ofSeconds(g.number(p + ".timeout-seconds", d.timeout().toSeconds(), 1, 3_600)),
                (int) g.number(p + ".max-concurrent", d.maxConcurrent(), 1, 1_024),
                window,
                minChecks,
                threshold(g, p + ".answer-similarity", d.answerSimilarity()),
                (int) g.number(p + ".max-tightenings", d.maxTightenings(), 0, 10));
    }

    static TeamSemanticCacheConfig teamSemanticCache(YamlFields t) {
        String p = "cache.semantic";
        if (t.node(p) == null) {
            return TeamSemanticCacheConfig.INHERIT;
        }
        t.onlyKeys(p, TEAM_SEMANTIC_KEYS);
        t.onlyKeys(p + ".online-verification", TEAM_ONLINE_KEYS);
        long ttl = t.number(p + ".ttl-seconds", -1, 0, 365L * 86_400);
        return new TeamSemanticCacheConfig(
                t.node(p + ".enabled") == null ? null : t.bool(p + ".enabled", true),
                t.node(p + ".threshold") == null ? null : threshold(t, p + ".threshold", 0.88),
                ttl < 0 ? null : Duration.ofSeconds(ttl),
                t.string(p + ".namespace", null),
                aesKey(t, p + ".encryption-key"),
                t.node(p + ".precision-target") == null ? null
                        : precisionTarget(t, p + ".precision-target", SemanticCacheConfig.DEFAULT_PRECISION_TARGET),
                optionalShare(t, p + ".online-verification.share", true),
                optionalShare(t, p + ".online-verification.tolerated-false-hit-rate", false));
    }

    /** A base64 AES key of 16, 24 or 32 bytes at {@code path}, or null when absent. */
    /** A base64 AES key of 16, 24 or 32 bytes at {@code path}, or null; a problem when it is not one. */
    static String aesKey(YamlFields y, String path) {
        String key = y.string(path, null);
        if (key != null) {
            try {
                int length = Base64.getDecoder().decode(key.strip()).length;
                if (length != 16 && length != 24 && length != 32) {
                    y.problem(path, length + " bytes (expected: base64 of a 16, 24 or 32 byte AES key)");
                }
            } catch (IllegalArgumentException e) {
                y.problem(path, "not base64 (expected: base64 of a 16, 24 or 32 byte AES key, "
                        + "e.g. openssl rand -base64 32)");
            }
        }
        return key;
    }

    /** A precision the semantic verifier aims at: above 0.5 and below 1. */
    private static double precisionTarget(YamlFields y, String path, double defaultValue) {
        BigDecimal value = y.decimal(path, BigDecimal.valueOf(defaultValue));
        double v = value.doubleValue();
        if (!(v > 0.5 && v < 1)) {
            y.problem(path, value + " (expected: a precision above 0.5 and below 1, e.g. 0.97)");
        }
        return v;
    }

    /** {@code router:} of gateway.yaml or of a team file; absent fields stay null (inherit). */
    static RoutingPolicyConfig router(YamlFields y) {
        if (y.node("router") == null) {
            return RoutingPolicyConfig.INHERIT;
        }
        y.onlyKeys("router", ROUTER_KEYS);
        y.onlyKeys("router.thresholds", THRESHOLD_KEYS);
        y.onlyKeys("router.gates", GATE_KEYS);
        Double mid = optionalThreshold(y, "router.thresholds.mid");
        Double frontier = optionalThreshold(y, "router.thresholds.frontier");
        if (mid != null && frontier != null && mid > frontier) {
            y.problem("router.thresholds", "mid " + mid + " > frontier " + frontier + " (expected: mid <= frontier)");
        }
        Map<String, String> routeModels = null;
        if (y.node("router.route-models") != null) {
            routeModels = new LinkedHashMap<>();
            for (String model : y.keys("router.route-models")) {
                routeModels.put(model, y.string("router.route-models." + model, ""));
            }
        }
        List<String> route = y.node("router.route") == null ? null : y.strings("router.route");
        return new RoutingPolicyConfig(
                optionalBool(y, "router.enabled"),
                mid,
                frontier,
                route,
                routeModels,
                optionalBool(y, "router.gates.tools"),
                optionalBool(y, "router.gates.images"),
                optionalBool(y, "router.gates.json-schema"),
                y.node("router.gates.long-context-tokens") == null ? null
                        : (int) y.number("router.gates.long-context-tokens", 16_000, 1, 10_000_000),
                tier(y, "router.pin-tier"),
                tier(y, "router.min-tier"),
                optionalShare(y, "router.quality-target", false),
                optionalShare(y, "router.max-frontier-share", true),
                oneOf(y, "router.mode", MODES),
                cascade(y),
                LearningYaml.learning(y));
    }

    /** The {@code cascade-*} keys of {@code router:}; absent ones stay null (inherit). */
    private static CascadeConfig cascade(YamlFields y) {
        List<String> checks = y.node("router.cascade-checks") == null ? null : y.strings("router.cascade-checks");
        if (checks != null) {
            for (String check : checks) {
                if (!CASCADE_CHECKS.contains(check)) {
                    y.problem("router.cascade-checks", "'" + check + "' (expected a list of: "
                            + String.join(", ", CASCADE_CHECKS) + ")");
                }
            }
        }
        return new CascadeConfig(
                checks,
                optionalLogprob(y, "router.cascade-min-mean-logprob"),
                optionalLogprob(y, "router.cascade-min-token-logprob"),
                oneOf(y, "router.cascade-streams", CASCADE_STREAMS),
                y.node("router.cascade-hold-bytes") == null ? null
                        : (int) y.number("router.cascade-hold-bytes", 16_384, 1, 16L * 1024 * 1024),
                y.node("router.cascade-hold-ms") == null ? null
                        : (int) y.number("router.cascade-hold-ms", 4_000, 1, 600_000));
    }

    /** A log-probability floor: a number at most 0; null when absent. */
    private static Double optionalLogprob(YamlFields y, String path) {
        if (y.node(path) == null) {
            return null;
        }
        String text = y.string(path, "0");
        try {
            double v = new BigDecimal(text.trim()).doubleValue();
            if (v > 0) {
                y.problem(path, text + " (expected: a log-probability, at most 0, e.g. -1.0)");
            }
            return v;
        } catch (NumberFormatException e) {
            y.problem(path, "'" + text + "' (expected: a log-probability, at most 0, e.g. -1.0)");
            return null;
        }
    }

    private static String oneOf(YamlFields y, String path, Set<String> allowed) {
        String value = y.string(path, null);
        if (value != null && !allowed.contains(value)) {
            y.problem(path, "'" + value + "' (expected one of: " + String.join(", ", allowed.stream().sorted().toList())
                    + ")");
        }
        return value;
    }

    private static String tier(YamlFields y, String path) {
        String tier = y.string(path, null);
        if (tier != null && !TIERS.contains(tier)) {
            y.problem(path, "'" + tier + "' (expected: small, mid or frontier)");
        }
        return tier;
    }

    private static Boolean optionalBool(YamlFields y, String path) {
        JsonNode n = y.node(path);
        return n == null ? null : y.bool(path, false);
    }

    /** A share in (0, 1], or [0, 1] when {@code zeroAllowed}; null when absent. */
    private static Double optionalShare(YamlFields y, String path, boolean zeroAllowed) {
        if (y.node(path) == null) {
            return null;
        }
        double v = y.decimal(path, BigDecimal.ONE).doubleValue();
        if (v > 1 || v < 0 || (!zeroAllowed && v == 0)) {
            y.problem(path, v + (zeroAllowed ? " (expected: a number from 0 to 1)" : " (expected: above 0, at most 1)"));
        }
        return v;
    }

    private static Double optionalThreshold(YamlFields y, String path) {
        return y.node(path) == null ? null : threshold(y, path, 0.5);
    }

    private static double threshold(YamlFields y, String path, double defaultValue) {
        BigDecimal value = y.decimal(path, BigDecimal.valueOf(defaultValue));
        double v = value.doubleValue();
        if (v < 0 || v > 1) {
            y.problem(path, value + " (expected: a number from 0 to 1)");
        }
        return v;
    }
}
