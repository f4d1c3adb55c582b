package dev.tiergate.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tiergate.core.config.RouterLearningConfig;
import java.math.BigDecimal;
import java.util.Set;

/** Reads {@code router.learning} (learning from traffic) of gateway.yaml or a team file; absent fields stay null. */
final class LearningYaml {
    private static final String P = "router.learning";
    private static final Set<String> KEYS = Set.of("enabled", "explore-rate", "cost-weight", "min-samples",
            "confidence", "log-comments", "signals", "decision-ttl-seconds", "max-decisions-per-team", "refresh-ms");
    private static final Set<String> SIGNAL_KEYS = Set.of("regeneration", "regeneration-seconds", "escalation",
            "truncated", "client-left", "schema-failure");

    private LearningYaml() {
    }

    static RouterLearningConfig learning(YamlFields y) {
        if (y.node(P) == null) {
            return RouterLearningConfig.INHERIT;
        }
        y.onlyKeys(P, KEYS);
        y.onlyKeys(P + ".signals", SIGNAL_KEYS);
        return new RouterLearningConfig(
                bool(y, P + ".enabled"),
                decimal(y, P + ".explore-rate", 0.5),
                decimal(y, P + ".cost-weight", 10),
                integer(y, P + ".min-samples", 1, 1_000_000),
                decimal(y, P + ".confidence", 10),
                bool(y, P + ".log-comments"),
                bool(y, P + ".signals.regeneration"),
                integer(y, P + ".signals.regeneration-seconds", 1, 86_400),
                bool(y, P + ".signals.escalation"),
                bool(y, P + ".signals.truncated"),
                bool(y, P + ".signals.client-left"),
                bool(y, P + ".signals.schema-failure"),
                integer(y, P + ".decision-ttl-seconds", 1, 7 * 86_400),
                integer(y, P + ".max-decisions-per-team", 1, 10_000_000),
                integer(y, P + ".refresh-ms", 1, 600_000));
    }

    private static Boolean bool(YamlFields y, String path) {
        JsonNode n = y.node(path);
        return n == null ? null : y.bool(path, false);
    }

    private static Integer integer(YamlFields y, String path, long min, long max) {
        return y.node(path) == null ? null : (int) y.number(path, min, min, max);
    }

    /** A number in [0, max]; null when absent. */
    private static Double decimal(YamlFields y, String path, double max) {
        if (y.node(path) == null) {
            return null;
        }
        double v = y.decimal(path, BigDecimal.ZERO).doubleValue();
        if (v > max) {
            y.problem(path, v + " (expected: a number from 0 to " + max + ")");
        }
        return v;
    }
}
