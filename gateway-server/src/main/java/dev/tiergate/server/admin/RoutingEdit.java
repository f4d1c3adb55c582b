package dev.tiergate.server.admin;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.tiergate.core.json.Json;
import java.util.List;
import java.util.Map;

/**
 * One model switch of a team, as an edit of its team file's YAML: {@code default-model} set to a
 * name, or {@code aliases.<name>} set to {@code {tiers, default-tier}} or removed (a null value).
 * The file store applies it to the file; the Redis store keeps it (field and value's JSON) and
 * applies it to the file's text at every load.
 */
public record RoutingEdit(String field, JsonNode value) {
    static final String DEFAULT_MODEL = "default-model";
    private static final String ALIASES = "aliases.";

    public RoutingEdit {
        requireNonNull(field, "field");
        if (!field.equals(DEFAULT_MODEL) && !(field.startsWith(ALIASES) && field.length() > ALIASES.length())) {
            throw new IllegalArgumentException("field: '" + field + "' (expected: default-model or aliases.<name>)");
        }
        value = value == null ? NullNode.getInstance() : value;
    }

    static RoutingEdit defaultModel(String model) {
        return new RoutingEdit(DEFAULT_MODEL, TextNode.valueOf(model));
    }

    /** The team's own alias {@code alias}: {@code tiers} cheapest first, {@code defaultTier} (null: the first). */
    static RoutingEdit alias(String alias, Map<String, List<String>> tiers, String defaultTier) {
        ObjectNode entry = JsonNodeFactory.instance.objectNode();
        ObjectNode tierNode = entry.putObject("tiers");
        tiers.forEach((tier, models) -> {
            var list = tierNode.putArray(tier);
            models.forEach(list::add);
        });
        if (defaultTier != null) {
            entry.put("default-tier", defaultTier);
        }
        return new RoutingEdit(ALIASES + alias, entry);
    }

    static RoutingEdit removeAlias(String alias) {
        return new RoutingEdit(ALIASES + alias, null);
    }

    /** The edit a stored field and its value's JSON stand for. */
    static RoutingEdit fromStored(String field, String json) {
        try {
            return new RoutingEdit(field, Json.mapper().readTree(json));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(field + ": stored value is not JSON", e);
        }
    }

    /** The value's JSON, as stored. */
    String valueJson() {
        return value.toString();
    }

    /** Applies the switch to a team file's parsed mapping. */
    void applyTo(ObjectNode team) {
        if (field.equals(DEFAULT_MODEL)) {
            team.set(DEFAULT_MODEL, value);
            return;
        }
        String alias = field.substring(ALIASES.length());
        JsonNode existing = team.get("aliases");
        if (value.isNull()) {
            if (existing instanceof ObjectNode aliases) {
                aliases.remove(alias);
            }
            return;
        }
        ObjectNode aliases = existing instanceof ObjectNode o ? o : team.putObject("aliases");
        aliases.set(alias, value.deepCopy());
    }
}
