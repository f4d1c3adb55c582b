package dev.tiergate.server.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.core.json.Json;
import dev.tiergate.core.model.AnthropicOrigin;
import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.model.Message;
import dev.tiergate.core.model.ToolCall;
import dev.tiergate.core.model.Usage;
import java.io.IOException;

/**
 * Anthropic's {@code message} objects made from chat answers: the message an Anthropic upstream
 * sent when the answer carries it ({@link AnthropicOrigin#MESSAGE}), else one built from the
 * translation (text block, {@code tool_use} blocks, stop reason, usage).
 */
public final class MessageObjects {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private MessageObjects() {
    }

    /** The message answering a request for {@code model}, with {@code id} when it is built here. */
    public static ObjectNode fromCompletion(ChatCompletion completion, String id, String model) {
        JsonNode original = completion.extra().get(AnthropicOrigin.MESSAGE);
        if (original instanceof ObjectNode message) {
            return message;
        }
        ObjectNode message = shell(id, model);
        ArrayNode content = message.putArray("content");
        ChatCompletion.Choice choice = completion.choices().isEmpty() ? null : completion.choices().getFirst();
        Message answer = choice == null ? null : choice.message();
        if (answer != null && !answer.text().isEmpty()) {
            content.addObject().put("type", "text").put("text", answer.text());
        }
        if (answer != null && answer.toolCalls() != null) {
            for (ToolCall call : answer.toolCalls()) {
                content.addObject().put("type", "tool_use").put("id", call.id()).put("name", call.function().name())
                        .set("input", input(call.function().arguments()));
            }
        }
        message.put("stop_reason", stopReason(choice == null ? null : choice.finishReason()));
        message.putNull("stop_sequence");
        message.set("usage", usage(completion.usage()));
        return message;
    }

    /** A message without content, stop reason or usage: what {@code message_start} carries. */
    static ObjectNode shell(String id, String model) {
        ObjectNode message = NODES.objectNode().put("id", id).put("type", "message").put("role", "assistant");
        message.putArray("content");
        message.put("model", model);
        message.putNull("stop_reason");
        message.putNull("stop_sequence");
        return message;
    }

    /** An OpenAI finish reason as Anthropic's stop reason. */
    static String stopReason(String finishReason) {
        if (finishReason == null) {
            return "end_turn";
        }
        return switch (finishReason) {
            case "length" -> "max_tokens";
            case "tool_calls", "function_call" -> "tool_use";
            case "content_filter" -> "refusal";
            default -> "end_turn";
        };
    }

    /**
     * Chat usage as Anthropic reports it: {@code input_tokens} without the cached ones, which are
     * {@code cache_read_input_tokens}; zeros when the provider reported none.
     */
    static ObjectNode usage(Usage usage) {
        int prompt = usage == null || usage.promptTokens() == null ? 0 : usage.promptTokens();
        int cached = usage == null ? 0 : usage.cachedTokens();
        int output = usage == null || usage.completionTokens() == null ? 0 : usage.completionTokens();
        return NODES.objectNode().put("input_tokens", Math.max(0, prompt - cached))
                .put("cache_creation_input_tokens", 0).put("cache_read_input_tokens", cached)
                .put("output_tokens", output);
    }

    /** A tool call's JSON-encoded arguments as an object; what is not one is kept under {@code arguments}. */
    static ObjectNode input(String arguments) {
        if (arguments == null || arguments.isBlank()) {
            return NODES.objectNode();
        }
        try {
            JsonNode node = Json.mapper().readTree(arguments);
            if (node instanceof ObjectNode object) {
                return object;
            }
        } catch (IOException e) {
            // kept as text below
        }
        return NODES.objectNode().put("arguments", arguments);
    }
}
