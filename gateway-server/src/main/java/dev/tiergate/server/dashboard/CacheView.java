package dev.tiergate.server.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.core.accounting.UsageJson;
import dev.tiergate.core.accounting.UsageReport;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * {@code /dashboard/api/caches}: per team, its requests of the period by cache outcome (the usage
 * report's), the hit rates, and its semantic cache's false-hit estimate from online verification.
 */
public final class CacheView {
    /** Online verification's own calls: counted apart, not requests of the team's clients. */
    private static final String SHADOW_CHECKS = "shadow_checks";
    private CacheView() {
    }

    /**
     * {@code semanticCache} gives what {@code /v1/usage} shows of a team's semantic cache (its
     * {@code online_verification}), or null.
     */
    public static ObjectNode of(Period period, UsageReport report, Function<String, JsonNode> semanticCache) {
        Map<String, Map<String, Long>> byTeam = new TreeMap<>();
        report.by(key -> key.team() + "\u0000" + key.cache()).forEach((teamAndCache, totals) -> {
            int cut = teamAndCache.indexOf('\u0000');
            byTeam.computeIfAbsent(teamAndCache.substring(0, cut), t -> new TreeMap<>())
                    .merge(outcome(teamAndCache.substring(cut + 1)), totals.requests(), Long::sum);
        });
        ObjectNode root = UsageJson.mapper().createObjectNode();
        root.put("from", period.from().toString());
        root.put("to", period.to().toString());
        ArrayNode teams = root.putArray("teams");
        byTeam.forEach((team, counts) -> {
            long hit = counts.getOrDefault("hit", 0L);
            long semanticHit = counts.getOrDefault("semantic_hit", 0L);
            long requests = counts.entrySet().stream().filter(e -> !e.getKey().equals(SHADOW_CHECKS))
                    .mapToLong(Map.Entry::getValue).sum();
            ObjectNode row = teams.addObject();
            row.put("team", team);
            row.put("requests", requests);
            for (String outcome : new String[] {"hit", "semantic_hit", "miss", "bypass", "other", SHADOW_CHECKS}) {
                row.put(outcome, counts.getOrDefault(outcome, 0L));
            }
            row.put("hit_rate", share(hit, requests));
            row.put("semantic_hit_rate", share(semanticHit, requests));
            row.put("any_hit_rate", share(hit + semanticHit, requests));
            row.set("false_hit", falseHit(semanticCache.apply(team)));
        });
        return root;
    }

    /** The view's name of a cache outcome of the usage records. */
    private static String outcome(String cache) {
        return switch (cache) {
            case "hit", "miss", "bypass" -> cache;
            case "semantic-hit" -> "semantic_hit";
            case "shadow-check" -> SHADOW_CHECKS;
            default -> "other";
        };
    }

    private static double share(long part, long whole) {
        return whole == 0 ? 0 : (double) part / whole;
    }

    /** The estimate, its upper bound and the checks of the current window; null without online verification. */
    private static JsonNode falseHit(JsonNode semanticCache) {
        JsonNode online = semanticCache == null ? null : semanticCache.get("online_verification");
        if (online == null || online.path("share").asDouble() <= 0 && online.path("checks").asLong() == 0) {
            return UsageJson.mapper().nullNode();
        }
        JsonNode rate = online.path("false_hit_rate");
        ObjectNode n = UsageJson.mapper().createObjectNode();
        n.put("estimate", rate.path("estimate").asDouble());
        n.put("upper", rate.path("upper").asDouble());
        n.put("checked", rate.path("window_checks").asLong());
        return n;
    }
}
