package dev.tiergate.server.admin;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.core.accounting.Limits;
import dev.tiergate.core.json.Json;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A virtual key made through the admin API: its id, its team, the SHA-256 (hex) of its secret (the
 * secret itself is shown once and never stored), when it was made, when it expires (null: never)
 * and its own limits (checked as well as its team's).
 */
public record VirtualKey(String id, String team, String sha256, Instant createdAt, Instant expiresAt, Limits limits) {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    public VirtualKey {
        requireNonNull(id, "id");
        requireNonNull(team, "team");
        requireNonNull(sha256, "sha256");
        requireNonNull(createdAt, "createdAt");
        limits = limits == null ? Limits.NONE : limits;
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("id: \"" + id + "\" (expected: 1 to 64 letters, digits or ._:-)");
        }
        if (!SHA256.matcher(sha256).matches()) {
            throw new IllegalArgumentException("sha256: expected 64 lower-case hex digits");
        }
    }

    /** Whether it has expired at {@code now}. */
    public boolean expiredAt(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    /** The same key with another secret's hash, made at {@code now}. */
    public VirtualKey rotated(String newSha256, Instant now) {
        return new VirtualKey(id, team, newSha256, now, expiresAt, limits);
    }

    /** What an admin sees: everything but the hash. */
    public Map<String, Object> view() {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", id);
        v.put("team", team);
        v.put("created_at", createdAt.toString());
        v.put("expires_at", expiresAt == null ? null : expiresAt.toString());
        v.put("limits", limitsView(limits));
        return v;
    }

    static Map<String, Object> limitsView(Limits limits) {
        Map<String, Object> l = new LinkedHashMap<>();
        l.put("requests_per_minute", limits.requestsPerMinute());
        l.put("tokens_per_minute", limits.tokensPerMinute());
        l.put("monthly_budget_usd", limits.monthlyBudgetUsd());
        l.put("soft_budget_percent", limits.softBudgetPercent());
        return l;
    }

    /** Limits from their JSON (the names of {@link #view}); absent: none. */
    public static Limits limitsFrom(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return Limits.NONE;
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("limits: expected an object");
        }
        JsonNode budget = node.get("monthly_budget_usd");
        return new Limits(node.path("requests_per_minute").asLong(0), node.path("tokens_per_minute").asLong(0),
                budget == null || budget.isNull() ? null : new BigDecimal(budget.asText()),
                node.path("soft_budget_percent").asInt(Limits.DEFAULT_SOFT_BUDGET_PERCENT));
    }

    /** Its stored form: the view and the hash. */
    public ObjectNode toJson() {
        ObjectNode node = Json.mapper().valueToTree(view());
        node.put("sha256", sha256);
        return node;
    }

    public static VirtualKey fromJson(JsonNode node) {
        JsonNode expires = node.get("expires_at");
        return new VirtualKey(node.path("id").asText(), node.path("team").asText(), node.path("sha256").asText(),
                Instant.parse(node.path("created_at").asText()),
                expires == null || expires.isNull() ? null : Instant.parse(expires.asText()),
                limitsFrom(node.get("limits")));
    }
}
