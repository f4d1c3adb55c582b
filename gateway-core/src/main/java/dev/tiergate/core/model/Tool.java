package dev.tiergate.core.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** A tool the model may call; {@code function} for function tools, other types keep their fields in extra. */
public record Tool(
        String type,
        FunctionDefinition function,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    public Tool {
        extra = Extras.copy(extra);
    }

    /** Name, description and JSON Schema of a function tool. */
    public record FunctionDefinition(String name, String description, JsonNode parameters, Boolean strict) {
    }
}
