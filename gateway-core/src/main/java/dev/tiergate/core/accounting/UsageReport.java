package dev.tiergate.core.accounting;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The answer of {@code GET /v1/usage}: totals over the query's days, the savings split into cache
 * and routing savings, and the same totals by day, team, model, tier and cache outcome.
 */
public record UsageReport(UsageQuery query, Map<UsageKey, UsageTotals> totals) {
    public UsageReport {
        totals = Map.copyOf(totals);
    }

    public UsageTotals total() {
        return totals.values().stream().reduce(UsageTotals.ZERO, UsageTotals::plus);
    }

    /** Totals grouped by one dimension, in key order. */
    public Map<String, UsageTotals> by(Function<UsageKey, String> dimension) {
        Map<String, UsageTotals> out = new TreeMap<>();
        totals.forEach((key, value) -> out.merge(dimension.apply(key), value, UsageTotals::plus));
        return out;
    }

    public long cacheSavingNanos() {
        return totals.entrySet().stream().filter(e -> e.getKey().cacheHit())
                .mapToLong(e -> e.getValue().savingNanos()).sum();
    }

    public ObjectNode toJson() {
        ObjectNode root = UsageJson.mapper().createObjectNode();
        root.put("object", "usage.report");
        root.put("from", query.from().toString());
        root.put("to", query.to().toString());
        if (query.team() != null) {
            root.put("team", query.team());
        }
        UsageTotals total = total();
        root.set("totals", totalsJson(total));
        ObjectNode savings = root.putObject("savings");
        long cache = cacheSavingNanos();
        savings.put("total_usd", Costs.fromNanos(total.savingNanos()));
        savings.put("cache_usd", Costs.fromNanos(cache));
        savings.put("routing_usd", Costs.fromNanos(total.savingNanos() - cache));
        group(root, "by_day", "day", key -> key.day().toString());
        group(root, "by_team", "team", UsageKey::team);
        group(root, "by_model", "model", UsageKey::model);
        group(root, "by_provider", "provider", UsageKey::provider);
        group(root, "by_tier", "tier", UsageKey::tier);
        group(root, "by_cache", "cache", UsageKey::cache);
        return root;
    }

    private void group(ObjectNode root, String field, String label, Function<UsageKey, String> dimension) {
        ArrayNode rows = root.putArray(field);
        by(dimension).forEach((value, t) -> {
            ObjectNode row = rows.addObject();
            row.put(label, value);
            row.setAll(totalsJson(t));
        });
    }

    private static ObjectNode totalsJson(UsageTotals t) {
        ObjectNode n = UsageJson.mapper().createObjectNode();
        n.put("requests", t.requests());
        n.put("estimated_requests", t.estimatedRequests());
        n.put("input_tokens", t.inputTokens());
        n.put("output_tokens", t.outputTokens());
        n.put("cached_tokens", t.cachedTokens());
        n.put("cost_usd", Costs.fromNanos(t.costNanos()));
        n.put("saving_usd", Costs.fromNanos(t.savingNanos()));
        return n;
    }
}
