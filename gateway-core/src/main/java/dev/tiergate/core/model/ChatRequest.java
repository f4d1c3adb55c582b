package dev.tiergate.core.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * An OpenAI chat completion request. Fields the gateway reads are typed; every other field the
 * client sent is kept in {@code extra} and reaches the provider untouched. Build one with
 * {@link ChatRequestParser} (validating) or {@link #of}; change one with the {@code withX} copies.
 */
public record ChatRequest(
        String model,
        List<Message> messages,
        Boolean stream,
        StreamOptions streamOptions,
        Double temperature,
        Double topP,
        Integer maxTokens,
        Integer maxCompletionTokens,
        Integer n,
        Long seed,
        List<String> stop,
        List<Tool> tools,
        JsonNode toolChoice,
        ResponseFormat responseFormat,
        String user,
        @JsonAnyGetter Map<String, JsonNode> extra) implements GatewayRequest {

    public ChatRequest {
        messages = List.copyOf(messages);
        stop = stop == null ? null : List.copyOf(stop);
        tools = tools == null ? null : List.copyOf(tools);
        extra = Extras.copy(extra);
    }

    public static ChatRequest of(String model, List<Message> messages) {
        return new ChatRequest(model, messages, null, null, null, null, null, null, null, null, null,
                null, null, null, null, Map.of());
    }

    @JsonIgnore
    public boolean isStream() {
        return Boolean.TRUE.equals(stream);
    }

    /** The last message with role {@code user}, or null. */
    @JsonIgnore
    public Message lastUserMessage() {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if ("user".equals(messages.get(i).role())) {
                return messages.get(i);
            }
        }
        return null;
    }

    public ChatRequest withModel(String newModel) {
        return new ChatRequest(newModel, messages, stream, streamOptions, temperature, topP, maxTokens,
                maxCompletionTokens, n, seed, stop, tools, toolChoice, responseFormat, user, extra);
    }

    public ChatRequest withMessages(List<Message> newMessages) {
        return new ChatRequest(model, newMessages, stream, streamOptions, temperature, topP, maxTokens,
                maxCompletionTokens, n, seed, stop, tools, toolChoice, responseFormat, user, extra);
    }

    public ChatRequest withStream(Boolean newStream, StreamOptions newStreamOptions) {
        return new ChatRequest(model, messages, newStream, newStreamOptions, temperature, topP, maxTokens,
                maxCompletionTokens, n, seed, stop, tools, toolChoice, responseFormat, user, extra);
    }

    public ChatRequest withExtra(Map<String, JsonNode> newExtra) {
        return new ChatRequest(model, messages, stream, streamOptions, temperature, topP, maxTokens,
                maxCompletionTokens, n, seed, stop, tools, toolChoice, responseFormat, user, newExtra);
    }
}
