package dev.tiergate.core.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/** {@code object: "list"} of embeddings. Vectors stay as JSON (float arrays or base64 strings). */
public record EmbeddingResponse(
        String object,
        List<JsonNode> data,
        String model,
        Usage usage,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    public EmbeddingResponse {
        data = data == null ? List.of() : List.copyOf(data);
        extra = Extras.copy(extra);
    }

    public EmbeddingResponse withModel(String newModel) {
        return new EmbeddingResponse(object, data, newModel, usage, extra);
    }
}
