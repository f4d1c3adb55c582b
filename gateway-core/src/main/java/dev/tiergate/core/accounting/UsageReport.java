package dev.tiergate.core.accounting;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The answer of {@code GET /v1/usage}: totals over the query's days, the savings split into cache
 * and routing savings, the savings ledger (baseline, actual, saving by reason), and the same
 * totals by day, team, team and day, model, tier and cache outcome; every row carries its ledger.
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

    /** The savings of answers from our caches, exact and semantic. */
    public long cacheSavingNanos() {
        SavingsLedger ledger = total().ledger();
        return ledger.exactCacheNanos() + ledger.semanticCacheNanos();
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
        savings.put("total_usd", Costs.fromNanos(total.ledger().savingNanos()));
        savings.put("cache_usd", Costs.fromNanos(cache));
        savings.put("routing_usd", Costs.fromNanos(total.ledger().routingNanos()));
        savings.put("prompt_cache_usd", Costs.fromNanos(total.ledger().promptCacheNanos()));
        group(root, "by_day", "day", key -> key.day().toString());
        group(root, "by_team", "team", UsageKey::team);
        groupByTeamAndDay(root);
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

    /** Rows of one team on one day, in team then day order. */
    private void groupByTeamAndDay(ObjectNode root) {
        ArrayNode rows = root.putArray("by_team_day");
        by(key -> key.team() + "\u0000" + key.day()).forEach((value, t) -> {
            int cut = value.indexOf('\u0000');
            ObjectNode row = rows.addObject();
            row.put("team", value.substring(0, cut));
            row.put("day", value.substring(cut + 1));
            row.setAll(totalsJson(t));
        });
    }

    /**
     * A ledger as JSON, in USD: baseline, actual and saving, and the saving by reason. The reasons
     * sum to the saving, and the saving is the baseline minus the actual cost, exactly.
     */
    public static ObjectNode ledgerJson(SavingsLedger l) {
        ObjectNode n = UsageJson.mapper().createObjectNode();
        n.put("baseline_usd", Costs.fromNanos(l.baselineNanos()));
        n.put("actual_usd", Costs.fromNanos(l.actualNanos()));
        n.put("saving_usd", Costs.fromNanos(l.savingNanos()));
        ObjectNode reasons = n.putObject("by_reason");
        reasons.put("exact_cache_usd", Costs.fromNanos(l.exactCacheNanos()));
        reasons.put("semantic_cache_usd", Costs.fromNanos(l.semanticCacheNanos()));
        reasons.put("routing_usd", Costs.fromNanos(l.routingNanos()));
        reasons.put("prompt_cache_usd", Costs.fromNanos(l.promptCacheNanos()));
        reasons.put("escalation_usd", Costs.fromNanos(l.escalationNanos()));
        reasons.put("shadow_check_usd", Costs.fromNanos(l.shadowCheckNanos()));
        reasons.put("failed_attempts_usd", Costs.fromNanos(l.failedAttemptsNanos()));
        return n;
    }

    private static ObjectNode totalsJson(UsageTotals t) {
        ObjectNode n = UsageJson.mapper().createObjectNode();
        n.put("requests", t.requests());
        n.put("estimated_requests", t.estimatedRequests());
        n.put("input_tokens", t.inputTokens());
        n.put("output_tokens", t.outputTokens());
        n.put("cached_tokens", t.cachedTokens());
        n.put("cache_write_tokens", t.cacheWriteTokens());
        n.put("cost_usd", Costs.fromNanos(t.costNanos()));
        n.put("saving_usd", Costs.fromNanos(t.ledger().savingNanos()));
        n.set("ledger", ledgerJson(t.ledger()));
        return n;
    }
}
