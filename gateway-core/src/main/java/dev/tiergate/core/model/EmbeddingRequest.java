package dev.tiergate.core.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /v1/embeddings}. {@code input} is normalised to a list of strings; token-array
 * inputs are passed through unchanged in {@code rawInput}.
 */
public record EmbeddingRequest(
        String model,
        JsonNode input,
        String encodingFormat,
        Integer dimensions,
        String user,
        @JsonAnyGetter Map<String, JsonNode> extra) implements GatewayRequest {

    public EmbeddingRequest {
        extra = Extras.copy(extra);
    }

    public EmbeddingRequest withModel(String newModel) {
        return new EmbeddingRequest(newModel, input, encodingFormat, dimensions, user, extra);
    }

    public EmbeddingRequest withInput(JsonNode newInput) {
        return new EmbeddingRequest(model, newInput, encodingFormat, dimensions, user, extra);
    }

    /** The string inputs, or an empty list when the input is token arrays. */
    public List<String> textInputs() {
        if (input.isTextual()) {
            return List.of(input.asText());
        }
        java.util.ArrayList<String> out = new java.util.ArrayList<>();
        for (JsonNode n : input) {
            if (!n.isTextual()) {
                return List.of();
            }
            out.add(n.asText());
        }
        return out;
    }
}
