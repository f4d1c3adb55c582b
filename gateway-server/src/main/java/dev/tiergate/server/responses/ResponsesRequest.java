package dev.tiergate.server.responses;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.core.model.ResponseFormat;
import dev.tiergate.core.model.Tool;
import java.util.List;

/**
 * A validated {@code POST /v1/responses} request. {@code input} holds the input items in their
 * wire form, each with an {@code id} (a string input becomes one user message); the typed fields
 * are already in chat form ({@code tools}, {@code toolChoice}, {@code responseFormat}); the
 * {@code echo} fields are what the response object repeats back as the client sent them.
 *
 * @param instructions null, a string (one system message), or an array of input items (validated, each with
 *                     an {@code id}) that go before the conversation and the input
 * @param reasoningEffort {@code reasoning.effort}, passed on as chat's {@code reasoning_effort}; may be null
 */
public record ResponsesRequest(
        String model,
        List<ObjectNode> input,
        JsonNode instructions,
        List<Tool> tools,
        JsonNode toolChoice,
        ResponseFormat responseFormat,
        Integer maxOutputTokens,
        Double temperature,
        Double topP,
        Boolean parallelToolCalls,
        String reasoningEffort,
        String user,
        ObjectNode metadata,
        boolean store,
        boolean stream,
        String previousResponseId,
        Echo echo) {

    public ResponsesRequest {
        requireNonNull(model, "model");
        input = List.copyOf(input);
        tools = tools == null ? List.of() : List.copyOf(tools);
        requireNonNull(metadata, "metadata");
        requireNonNull(echo, "echo");
    }

    /** What the response object repeats back: {@code tools}, {@code tool_choice} and {@code text} as sent. */
    public record Echo(JsonNode tools, JsonNode toolChoice, JsonNode text) {
        public Echo {
            requireNonNull(tools, "tools");
            requireNonNull(toolChoice, "toolChoice");
            requireNonNull(text, "text");
        }
    }
}
