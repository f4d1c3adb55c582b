package dev.tiergate.router.cascade;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tiergate.core.json.Json;
import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.ResponseFormat;
import dev.tiergate.router.policy.CascadeSettings;
import java.io.IOException;

/**
 * Fails an answer that is not the JSON the request asked for with {@code response_format}: for
 * {@code json_object}, content that does not parse as one JSON object; for {@code json_schema},
 * also content that the schema ({@code json_schema.schema}) rejects, as far as
 * {@link JsonSchemaSubset} checks it (types, required and closed properties, items, enums).
 * Requests without a JSON response format pass; so does a choice that called a tool instead.
 */
public final class JsonAnswerCheck implements AnswerCheck {
    static final String JSON_OBJECT = "json_object";
    static final String JSON_SCHEMA = "json_schema";

    @Override
    public String cause() {
        return CascadeSettings.INVALID_JSON;
    }

    @Override
    public boolean fails(ChatRequest request, ChatCompletion answer) {
        ResponseFormat format = request.responseFormat();
        if (format == null || !(JSON_OBJECT.equals(format.type()) || JSON_SCHEMA.equals(format.type()))) {
            return false;
        }
        JsonSchemaSubset schema = JSON_SCHEMA.equals(format.type()) && format.jsonSchema() != null
                && format.jsonSchema().has("schema") ? new JsonSchemaSubset(format.jsonSchema().get("schema")) : null;
        for (ChatCompletion.Choice choice : answer.choices()) {
            if (choice.message() == null || (choice.message().toolCalls() != null
                    && !choice.message().toolCalls().isEmpty())) {
                continue;
            }
            JsonNode parsed = parse(choice.message().text());
            if (parsed == null || (schema == null ? !parsed.isObject() : !schema.accepts(parsed))) {
                return true;
            }
        }
        return false;
    }

    /** The content as JSON, or null when it is not (exactly one) JSON value. */
    private static JsonNode parse(String content) {
        if (content == null || content.isBlank()) {
            return null;
        }
        try (var parser = Json.mapper().createParser(content)) {
            JsonNode value = Json.mapper().readTree(parser);
            return parser.nextToken() == null ? value : null;
        } catch (IOException e) {
            return null;
        }
    }
}
