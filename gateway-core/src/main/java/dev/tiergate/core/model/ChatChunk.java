package dev.tiergate.core.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * One streamed chunk, {@code object: "chat.completion.chunk"}; a usage-only chunk has no choices.
 * Written as OpenAI writes it: {@code usage} is {@code null} on every chunk but the usage chunk,
 * and each choice carries {@code logprobs} and {@code finish_reason}, {@code null} until the last.
 */
public record ChatChunk(
        String id,
        String object,
        Long created,
        String model,
        @JsonInclude(JsonInclude.Include.ALWAYS) List<ChunkChoice> choices,
        @JsonInclude(JsonInclude.Include.ALWAYS) Usage usage,
        String systemFingerprint,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    public static final String OBJECT = "chat.completion.chunk";

    public ChatChunk {
        choices = choices == null ? List.of() : List.copyOf(choices);
        extra = Extras.copy(extra);
    }

    public ChatChunk withIdentity(String newId, long newCreated) {
        return new ChatChunk(newId, object, newCreated, model, choices, usage, systemFingerprint, extra);
    }

    public ChatChunk withModel(String newModel) {
        return new ChatChunk(id, object, created, newModel, choices, usage, systemFingerprint, extra);
    }

    public ChatChunk withUsage(Usage newUsage) {
        return new ChatChunk(id, object, created, model, choices, newUsage, systemFingerprint, extra);
    }

    public ChatChunk withChoices(List<ChunkChoice> newChoices) {
        return new ChatChunk(id, object, created, model, newChoices, usage, systemFingerprint, extra);
    }

    /** The finish reason of the first choice that has one, or null. */
    public String finishReason() {
        for (ChunkChoice c : choices) {
            if (c.finishReason() != null) {
                return c.finishReason();
            }
        }
        return null;
    }

    /** A choice's increment; {@code logprobs} only when the provider sent them. */
    public record ChunkChoice(
            Integer index,
            Delta delta,
            @JsonInclude(JsonInclude.Include.ALWAYS) JsonNode logprobs,
            @JsonInclude(JsonInclude.Include.ALWAYS) String finishReason,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {
        public ChunkChoice {
            logprobs = logprobs == null || logprobs.isNull() || logprobs.isMissingNode() ? null : logprobs;
            extra = Extras.copy(extra);
        }

        /** A choice without logprobs. */
        public ChunkChoice(Integer index, Delta delta, String finishReason, Map<String, JsonNode> extra) {
            this(index, delta, null, finishReason, extra);
        }

        public ChunkChoice withDelta(Delta newDelta) {
            return new ChunkChoice(index, newDelta, logprobs, finishReason, extra);
        }
    }

    /** What a chunk adds to the message: role once, then content or tool call fragments. */
    public record Delta(
            String role,
            String content,
            List<ToolCall> toolCalls,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {
        public Delta {
            toolCalls = toolCalls == null ? null : List.copyOf(toolCalls);
            extra = Extras.copy(extra);
        }

        public static Delta content(String text) {
            return new Delta(null, text, null, Map.of());
        }
    }
}
