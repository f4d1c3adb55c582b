package dev.tiergate.router.cascade;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * A JSON Schema checker for the subset that structured outputs use (no JSON Schema library is on
 * the classpath): {@code type} (one or a list: object, array, string, number, integer, boolean,
 * null), {@code properties}, {@code required}, {@code additionalProperties: false}, {@code items},
 * {@code enum}, {@code const}, {@code anyOf} and local {@code $ref}s ({@code #/$defs/...}). Other
 * keywords (formats, lengths, patterns, ranges) are not checked: an answer they would reject passes.
 */
final class JsonSchemaSubset {
    /** Deeper schemas (or $ref cycles) than this are not followed further. */
    static final int MAX_DEPTH = 64;

    private final JsonNode root;

    JsonSchemaSubset(JsonNode root) {
        this.root = root;
    }

    /** Whether {@code value} satisfies the schema, as far as this subset checks. */
    boolean accepts(JsonNode value) {
        return accepts(root, value, 0);
    }

    private boolean accepts(JsonNode schema, JsonNode value, int depth) {
        if (schema == null || !schema.isObject() || depth > MAX_DEPTH) {
            return true;
        }
        JsonNode ref = schema.get("$ref");
        if (ref != null && ref.isTextual() && ref.asText().startsWith("#")) {
            JsonNode target = root.at(JsonPointer.compile(ref.asText().substring(1)));
            if (!target.isMissingNode() && !accepts(target, value, depth + 1)) {
                return false;
            }
        }
        if (!typeMatches(schema.get("type"), value)) {
            return false;
        }
        JsonNode allowed = schema.get("enum");
        if (allowed != null && allowed.isArray() && !contains(allowed, value)) {
            return false;
        }
        JsonNode constant = schema.get("const");
        if (constant != null && !constant.equals(value)) {
            return false;
        }
        JsonNode anyOf = schema.get("anyOf");
        if (anyOf != null && anyOf.isArray() && !anyAccepts(anyOf, value, depth)) {
            return false;
        }
        if (value.isObject() && !objectAccepted(schema, value, depth)) {
            return false;
        }
        if (value.isArray() && schema.has("items")) {
            for (JsonNode item : value) {
                if (!accepts(schema.get("items"), item, depth + 1)) {
                    return false;
                }
            }
        }
        return true;
    }

    private boolean objectAccepted(JsonNode schema, JsonNode value, int depth) {
        JsonNode required = schema.get("required");
        if (required != null && required.isArray()) {
            for (JsonNode name : required) {
                if (!value.has(name.asText())) {
                    return false;
                }
            }
        }
        JsonNode properties = schema.path("properties");
        boolean closed = schema.path("additionalProperties").isBoolean() && !schema.get("additionalProperties").asBoolean();
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode propertySchema = properties.get(field.getKey());
            if (propertySchema == null) {
                if (closed) {
                    return false;
                }
            } else if (!accepts(propertySchema, field.getValue(), depth + 1)) {
                return false;
            }
        }
        return true;
    }

    private boolean anyAccepts(JsonNode schemas, JsonNode value, int depth) {
        for (JsonNode option : schemas) {
            if (accepts(option, value, depth + 1)) {
                return true;
            }
        }
        return false;
    }

    private static boolean typeMatches(JsonNode type, JsonNode value) {
        if (type == null) {
            return true;
        }
        if (type.isArray()) {
            for (JsonNode one : type) {
                if (isOfType(one.asText(), value)) {
                    return true;
                }
            }
            return false;
        }
        return isOfType(type.asText(), value);
    }

    private static boolean isOfType(String type, JsonNode value) {
        return switch (type) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            case "number" -> value.isNumber();
            case "integer" -> value.isIntegralNumber()
                    || (value.isNumber() && value.asDouble() == Math.rint(value.asDouble()));
            case "boolean" -> value.isBoolean();
            case "null" -> value.isNull();
            default -> true;
        };
    }

    private static boolean contains(JsonNode values, JsonNode value) {
        for (JsonNode candidate : values) {
            if (candidate.equals(value)) {
                return true;
            }
        }
        return false;
    }
}
