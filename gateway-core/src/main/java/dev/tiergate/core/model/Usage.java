package dev.tiergate.core.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** Token usage as OpenAI reports it; {@code extra} keeps the detail objects (prompt_tokens_details, ...). */
public record Usage(
        Integer promptTokens,
        Integer completionTokens,
        Integer totalTokens,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    public Usage {
        extra = Extras.copy(extra);
    }

    public static Usage of(int promptTokens, int completionTokens) {
        return new Usage(promptTokens, completionTokens, promptTokens + completionTokens, Map.of());
    }

    /** Cached input tokens from {@code prompt_tokens_details.cached_tokens}, 0 when absent. */
    public int cachedTokens() {
        JsonNode details = extra.get("prompt_tokens_details");
        return details == null ? 0 : details.path("cached_tokens").asInt(0);
    }
}
