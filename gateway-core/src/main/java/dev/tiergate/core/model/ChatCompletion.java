package dev.tiergate.core.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/** A complete (non-streamed) chat completion, {@code object: "chat.completion"}. */
public record ChatCompletion(
        String id,
        String object,
        Long created,
        String model,
        List<Choice> choices,
        Usage usage,
        String systemFingerprint,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    public static final String OBJECT = "chat.completion";

    public ChatCompletion {
        choices = choices == null ? List.of() : List.copyOf(choices);
        extra = Extras.copy(extra);
    }

    public ChatCompletion withIdentity(String newId, long newCreated) {
        return new ChatCompletion(newId, object, newCreated, model, choices, usage, systemFingerprint, extra);
    }

    public ChatCompletion withModel(String newModel) {
        return new ChatCompletion(id, object, created, newModel, choices, usage, systemFingerprint, extra);
    }

    /** One alternative answer. */
    public record Choice(
            Integer index,
            Message message,
            String finishReason,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {
        public Choice {
            extra = Extras.copy(extra);
        }
    }
}
