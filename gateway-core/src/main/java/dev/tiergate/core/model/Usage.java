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

    /**
     * The field of {@code prompt_tokens_details} with the input tokens a provider wrote to its
     * prompt cache (Anthropic's {@code cache_creation_input_tokens}, both lifetimes); OpenAI and
     * Gemini bill no writes and report none.
     */
    public static final String CACHE_WRITE_TOKENS = "cache_write_tokens";
    /** The field of {@code prompt_tokens_details} with the part of the writes kept for an hour (a dearer write). */
    public static final String CACHE_WRITE_1H_TOKENS = "cache_write_1h_tokens";

    /** Cached input tokens from {@code prompt_tokens_details.cached_tokens}, 0 when absent. */
    public int cachedTokens() {
        return detail("cached_tokens");
    }

    /** Input tokens written to the provider's prompt cache ({@value #CACHE_WRITE_TOKENS}), 0 when absent. */
    public int cacheWriteTokens() {
        return detail(CACHE_WRITE_TOKENS);
    }

    /** The part of {@link #cacheWriteTokens()} written for an hour ({@value #CACHE_WRITE_1H_TOKENS}), 0 when absent. */
    public int cacheWrite1hTokens() {
        return detail(CACHE_WRITE_1H_TOKENS);
    }

    private int detail(String field) {
        JsonNode details = extra.get("prompt_tokens_details");
        return details == null ? 0 : details.path(field).asInt(0);
    }
}
