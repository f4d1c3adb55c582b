package dev.tiergate.server.accounting;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.core.accounting.UsageJson;
import dev.tiergate.core.accounting.UsageKey;
import dev.tiergate.core.accounting.UsageRecord;
import dev.tiergate.core.accounting.UsageTotals;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * One line of the usage file: a usage record (its JSON, as {@link UsageJson} writes it), or one of
 * the lines compaction rolls old records into, which start with {@code {"type":}: the totals of one
 * {@link UsageKey} ({@code "type":"totals"}: day, team, model, provider, tier, cache and the
 * measures of {@link UsageTotals}), or the spend of one team key in one month ({@code "type":"spend"},
 * what the limit counters are rebuilt from).
 */
sealed interface UsageFileLine {
    String TYPE_PREFIX = "{\"type\":";

    /** A usage record. */
    record Record(UsageRecord record) implements UsageFileLine {
    }

    /** Totals that older records of one key were rolled into. */
    record Totals(UsageKey key, UsageTotals totals) implements UsageFileLine {
        String json() {
            ObjectNode n = typed("totals");
            n.put("day", key.day().toString());
            n.put("team", key.team());
            n.put("model", key.model());
            n.put("provider", key.provider());
            n.put("tier", key.tier());
            n.put("cache", key.cache());
            long[] measures = totals.measures();
            for (int i = 0; i < measures.length; i++) {
                n.put(UsageTotals.MEASURES.get(i), measures[i]);
            }
            return n.toString();
        }
    }

    /** The spend of one key of a team in one UTC month, in nano-dollars, from records rolled into totals. */
    record Spend(SpendKey key, long costNanos) implements UsageFileLine {
        String json() {
            ObjectNode n = typed("spend");
            n.put("month", key.month().toString());
            n.put("team", key.team());
            if (key.keyId() != null) {
                n.put("key_id", key.keyId());
            }
            n.put("cost_nanos", costNanos);
            return n.toString();
        }
    }

    /** Whose spend, in which month: what a {@link Spend} line sums. */
    record SpendKey(YearMonth month, String team, String keyId) {
        static SpendKey of(UsageRecord record) {
            return new SpendKey(YearMonth.from(record.timestamp().atZone(ZoneOffset.UTC)), record.team(),
                    record.keyId());
        }
    }

    /** Parses one line; IllegalArgumentException (with what is wrong) when it is none of these. */
    static UsageFileLine parse(String line) {
        if (!line.startsWith(TYPE_PREFIX)) {
            return new Record(UsageJson.read(line));
        }
        JsonNode n;
        try {
            n = UsageJson.mapper().readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
        try {
            return switch (n.path("type").asText()) {
                case "totals" -> new Totals(new UsageKey(LocalDate.parse(text(n, "day")), text(n, "team"),
                        text(n, "model"), text(n, "provider"), text(n, "tier"), text(n, "cache")),
                        totals(n, text(n, "cache")));
                case "spend" -> new Spend(new SpendKey(YearMonth.parse(text(n, "month")), text(n, "team"),
                        n.hasNonNull("key_id") ? n.get("key_id").asText() : null), number(n, "cost_nanos"));
                default -> throw new IllegalArgumentException("unknown line type " + n.path("type"));
            };
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * The measures of a totals line by their names ({@link UsageTotals#MEASURES}); lines written
     * before the names were shared say {@code estimated_requests}, {@code input_tokens},
     * {@code output_tokens} and {@code cached_tokens}, and have no ledger.
     */
    private static UsageTotals totals(JsonNode n, String cache) {
        long[] measures = new long[UsageTotals.MEASURES.size()];
        for (int i = 0; i < measures.length; i++) {
            String name = UsageTotals.MEASURES.get(i);
            String old = switch (name) {
                case "estimated" -> "estimated_requests";
                case "input", "output", "cached" -> name + "_tokens";
                default -> name;
            };
            measures[i] = n.has(name) ? number(n, name) : n.has(old) ? number(n, old) : 0;
        }
        return UsageTotals.ofMeasures(measures, cache);
    }

    /** A JSON object whose first field is {@code "type"}, as {@link #parse} recognises rolled-up lines. */
    private static ObjectNode typed(String type) {
        ObjectNode n = UsageJson.mapper().createObjectNode();
        n.put("type", type);
        return n;
    }

    private static String text(JsonNode n, String field) {
        JsonNode value = n.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("field " + field + " missing or not text");
        }
        return value.asText();
    }

    private static long number(JsonNode n, String field) {
        JsonNode value = n.get(field);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new IllegalArgumentException("field " + field + " missing or not a whole number");
        }
        return value.asLong();
    }
}
