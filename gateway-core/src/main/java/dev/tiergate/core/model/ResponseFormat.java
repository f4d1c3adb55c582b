package dev.tiergate.core.model;

import com.fasterxml.jackson.databind.JsonNode;

/** {@code response_format}: {@code text}, {@code json_object} or {@code json_schema} with its schema object. */
public record ResponseFormat(String type, JsonNode jsonSchema) {
}
