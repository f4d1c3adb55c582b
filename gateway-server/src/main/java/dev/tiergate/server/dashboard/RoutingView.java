package dev.tiergate.server.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.core.accounting.UsageJson;
import dev.tiergate.core.accounting.UsageReport;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code /dashboard/api/routing}: per team, its requests of the period by the tier that answered
 * (the usage report's), its cascade escalations, and the learning router's view of it.
 */
public final class RoutingView {
    /** The tiers every row names, used or not. */
    static final List<String> TIERS = List.of("small", "mid", "frontier");

    private RoutingView() {
    }

    /**
     * {@code escalations}: per team since start; {@code policies}: per team the body of
     * {@code GET /admin/routing/{team}}, none when the router does not learn.
     */
    public static ObjectNode of(Period period, UsageReport report, Map<String, Long> escalations,
                                Map<String, JsonNode> policies) {
        Map<String, Map<String, Long>> byTeam = new TreeMap<>();
        report.by(key -> key.team() + "\u0000" + key.tier()).forEach((teamAndTier, totals) -> {
            int cut = teamAndTier.indexOf('\u0000');
            byTeam.computeIfAbsent(teamAndTier.substring(0, cut), t -> new TreeMap<>())
                    .merge(teamAndTier.substring(cut + 1), totals.requests(), Long::sum);
        });
        ObjectNode root = UsageJson.mapper().createObjectNode();
        root.put("from", period.from().toString());
        root.put("to", period.to().toString());
        ArrayNode teams = root.putArray("teams");
        byTeam.forEach((team, byTier) -> {
            ObjectNode row = teams.addObject();
            row.put("team", team);
            ObjectNode tiers = row.putObject("tiers");
            TIERS.forEach(tier -> tiers.put(tier, byTier.getOrDefault(tier, 0L)));
            byTier.forEach((tier, requests) -> {
                if (!TIERS.contains(tier)) {
                    tiers.put(tier, requests);
                }
            });
            row.put("escalations", escalations.getOrDefault(team, 0L));
            JsonNode policy = policies.get(team);
            row.set("policy", policy == null ? UsageJson.mapper().nullNode() : policy);
        });
        return root;
    }
}
