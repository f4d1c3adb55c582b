package dev.tiergate.core.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * A chat message. {@code content} is null only for assistant messages that carry tool calls;
 * fields we do not model (refusal, audio, ...) stay in {@code extra}.
 */
public record Message(
        String role,
        @JsonInclude(JsonInclude.Include.ALWAYS) MessageContent content,
        String name,
        List<ToolCall> toolCalls,
        String toolCallId,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    public Message {
        toolCalls = toolCalls == null ? null : List.copyOf(toolCalls);
        extra = Extras.copy(extra);
    }

    public static Message of(String role, String text) {
        return new Message(role, MessageContent.of(text), null, null, null, Map.of());
    }

    public static Message user(String text) {
        return of("user", text);
    }

    public static Message system(String text) {
        return of("system", text);
    }

    public static Message assistant(String text) {
        return of("assistant", text);
    }

    /** The text of the content, or "" when there is none. */
    public String text() {
        return content == null ? "" : content.text();
    }
}
