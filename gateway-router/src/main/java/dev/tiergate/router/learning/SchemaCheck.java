package dev.tiergate.router.learning;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tiergate.core.json.Json;
import dev.tiergate.core.model.ChatRequest;

/**
 * Whether an answer fails the JSON schema its request asked for ({@code response_format:
 * json_schema}): a shallow check, not a validator: the text must parse as JSON, be an object when
 * the schema's type is {@code object}, and hold the schema's top-level {@code required} properties.
 */
final class SchemaCheck {
    private SchemaCheck() {
    }

    /** The requested schema, or null when the request asked for none. */
    static JsonNode requested(ChatRequest request) {
        if (request.responseFormat() == null || !"json_schema".equals(request.responseFormat().type())
                || request.responseFormat().jsonSchema() == null) {
            return null;
        }
        JsonNode format = request.responseFormat().jsonSchema();
        return format.has("schema") ? format.get("schema") : format;
    }

    static boolean fails(JsonNode schema, String answer) {
        if (answer == null) {
            return true;
        }
        JsonNode parsed;
        try {
            parsed = Json.mapper().readTree(answer);
        } catch (java.io.IOException e) {
            return true;
        }
        if (parsed == null || parsed.isMissingNode()) {
            return true;
        }
        if ("object".equals(schema.path("type").asText()) && !parsed.isObject()) {
            return true;
        }
        for (JsonNode name : schema.path("required")) {
            if (!parsed.has(name.asText())) {
                return true;
            }
        }
        return false;
    }
}
