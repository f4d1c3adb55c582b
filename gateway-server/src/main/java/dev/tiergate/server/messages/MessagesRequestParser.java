package dev.tiergate.server.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.core.error.InvalidRequestError;
import dev.tiergate.core.model.ChatRequestParser;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads and validates a {@code POST /v1/messages} (or {@code /v1/messages/count_tokens}) body as
 * Anthropic does: {@code model}, {@code messages} (and {@code max_tokens} for a create) are
 * required, roles are {@code user} or {@code assistant}, every content block and tool has the
 * fields its type needs. Every rejection is a 400 naming the field and what was expected. Fields
 * it does not know are kept: they reach an Anthropic upstream as they are.
 */
public final class MessagesRequestParser {
    /** The headers of an Anthropic client that an Anthropic upstream gets too. */
    public static final Set<String> FORWARDED_HEADERS = Set.of("anthropic-version", "anthropic-beta");
    /**
     * {@code system} inside {@code messages}: Claude Code sends mid-conversation system messages
     * (beta {@code mid-conversation-system-2026-04-07}).
     */
    private static final Set<String> ROLES = Set.of("user", "assistant", "system");
    private static final Set<String> TOOL_CHOICES = Set.of("auto", "any", "tool", "none");

    private MessagesRequestParser() {
    }

    /** A create request; {@code header} reads the request's headers. */
    public static MessagesRequest parse(byte[] body, Function<String, String> header) {
        return parse(ChatRequestParser.parseObject(body), header, true);
    }

    /** A {@code count_tokens} request: as a create, without {@code max_tokens} and {@code stream}. */
    public static MessagesRequest parseTokenCount(byte[] body, Function<String, String> header) {
        return parse(ChatRequestParser.parseObject(body), header, false);
    }

    private static MessagesRequest parse(ObjectNode root, Function<String, String> header, boolean create) {
        JsonNode model = root.get("model");
        if (model == null || !model.isTextual() || model.textValue().isBlank()) {
            throw invalid("model: " + describe(model) + " (expected: a model name)", "model");
        }
        if (create) {
            JsonNode max = root.get("max_tokens");
            if (max == null || !max.canConvertToInt() || !max.isIntegralNumber() || max.intValue() < 1) {
                throw invalid("max_tokens: " + describe(max) + " (expected: an integer >= 1)", "max_tokens");
            }
        }
        JsonNode stream = root.get("stream");
        if (stream != null && !stream.isNull() && !stream.isBoolean()) {
            throw invalid("stream: " + describe(stream) + " (expected: true or false)", "stream");
        }
        system(root.get("system"));
        messages(root.get("messages"));
        tools(root.get("tools"));
        toolChoice(root.get("tool_choice"));
        stopSequences(root.get("stop_sequences"));
        for (String number : new String[] {"temperature", "top_p"}) {
            JsonNode n = root.get(number);
            if (n != null && !n.isNull() && (!n.isNumber() || n.doubleValue() < 0 || n.doubleValue() > 1)) {
                throw invalid(number + ": " + describe(n) + " (expected: a number between 0 and 1)", number);
            }
        }
        JsonNode topK = root.get("top_k");
        if (topK != null && !topK.isNull() && (!topK.isIntegralNumber() || topK.intValue() < 0)) {
            throw invalid("top_k: " + describe(topK) + " (expected: an integer >= 0)", "top_k");
        }
        JsonNode metadata = root.get("metadata");
        if (metadata != null && !metadata.isNull() && !metadata.isObject()) {
            throw invalid("metadata: " + describe(metadata) + " (expected: an object)", "metadata");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String name : FORWARDED_HEADERS) {
            String value = header.apply(name);
            if (value != null) {
                headers.put(name, value);
            }
        }
        return new MessagesRequest(model.textValue(), create && stream != null && stream.asBoolean(false), root,
                headers);
    }

    private static void system(JsonNode system) {
        if (system == null || system.isNull() || system.isTextual()) {
            return;
        }
        if (!system.isArray()) {
            throw invalid("system: " + describe(system) + " (expected: a string or an array of text blocks)", "system");
        }
        for (int i = 0; i < system.size(); i++) {
            JsonNode block = system.get(i);
            if (!"text".equals(block.path("type").asText()) || !block.path("text").isTextual()) {
                throw invalid("system[" + i + "]: expected a text block {\"type\":\"text\",\"text\":...}",
                        "system[" + i + "]");
            }
        }
    }

    private static void messages(JsonNode messages) {
        if (messages == null || !messages.isArray()) {
            throw invalid("messages: " + describe(messages) + " (expected: an array of messages)", "messages");
        }
        for (int i = 0; i < messages.size(); i++) {
            String path = "messages[" + i + "]";
            JsonNode message = messages.get(i);
            if (!message.isObject()) {
                throw invalid(path + ": " + describe(message) + " (expected: an object with role and content)", path);
            }
            String role = message.path("role").asText("");
            if (!ROLES.contains(role)) {
                throw invalid(path + ".role: " + describe(message.get("role")) + " (expected: user, assistant or system)",
                        path + ".role");
            }
            JsonNode content = message.get("content");
            if (content == null || !(content.isTextual() || content.isArray())) {
                throw invalid(path + ".content: " + describe(content)
                        + " (expected: a string or an array of content blocks)", path + ".content");
            }
            if (content.isArray()) {
                for (int j = 0; j < content.size(); j++) {
                    block(content.get(j), path + ".content[" + j + "]");
                }
            }
        }
    }

    private static void block(JsonNode block, String path) {
        String type = block.path("type").asText("");
        switch (type) {
            case "text" -> require(block, "text", JsonNode::isTextual, "a string", path);
            case "image", "document" -> {
                JsonNode source = block.get("source");
                if (source == null || !source.isObject() || !source.path("type").isTextual()) {
                    throw invalid(path + ".source: " + describe(source) + " (expected: a source object with a type)",
                            path + ".source");
                }
            }
            case "tool_use", "server_tool_use" -> {
                require(block, "id", JsonNode::isTextual, "a string", path);
                require(block, "name", JsonNode::isTextual, "a string", path);
                require(block, "input", JsonNode::isObject, "an object", path);
            }
            case "tool_result" -> {
                require(block, "tool_use_id", JsonNode::isTextual, "a string", path);
                JsonNode content = block.get("content");
                if (content != null && !content.isNull() && !content.isTextual() && !content.isArray()) {
                    throw invalid(path + ".content: " + describe(content)
                            + " (expected: a string or an array of blocks)", path + ".content");
                }
            }
            case "thinking" -> require(block, "thinking", JsonNode::isTextual, "a string", path);
            case "redacted_thinking" -> require(block, "data", JsonNode::isTextual, "a string", path);
            case "" -> throw invalid(path + ".type: missing (expected: text, image, document, tool_use, tool_result,"
                    + " thinking, ...)", path + ".type");
            default -> {
                // search results, citations, server tool results and later block types: an Anthropic upstream reads them
            }
        }
    }

    private static void tools(JsonNode tools) {
        if (tools == null || tools.isNull()) {
            return;
        }
        if (!tools.isArray()) {
            throw invalid("tools: " + describe(tools) + " (expected: an array of tools)", "tools");
        }
        for (int i = 0; i < tools.size(); i++) {
            String path = "tools[" + i + "]";
            JsonNode tool = tools.get(i);
            require(tool, "name", JsonNode::isTextual, "a string", path);
            String type = tool.path("type").asText("custom");
            if ("custom".equals(type)) {
                require(tool, "input_schema", JsonNode::isObject, "a JSON Schema object", path);
            }
        }
    }

    private static void toolChoice(JsonNode choice) {
        if (choice == null || choice.isNull()) {
            return;
        }
        String type = choice.path("type").asText("");
        if (!choice.isObject() || !TOOL_CHOICES.contains(type)) {
            throw invalid("tool_choice: " + describe(choice) + " (expected: {\"type\": auto, any, tool or none})",
                    "tool_choice");
        }
        if ("tool".equals(type)) {
            require(choice, "name", JsonNode::isTextual, "a string", "tool_choice");
        }
    }

    private static void stopSequences(JsonNode stops) {
        if (stops == null || stops.isNull()) {
            return;
        }
        if (!stops.isArray()) {
            throw invalid("stop_sequences: " + describe(stops) + " (expected: an array of strings)", "stop_sequences");
        }
        for (JsonNode stop : stops) {
            if (!stop.isTextual()) {
                throw invalid("stop_sequences: " + describe(stop) + " (expected: strings)", "stop_sequences");
            }
        }
    }

    private static void require(JsonNode node, String field, java.util.function.Predicate<JsonNode> valid,
                                String expected, String path) {
        JsonNode value = node.get(field);
        if (value == null || !valid.test(value)) {
            throw invalid(path + "." + field + ": " + describe(value) + " (expected: " + expected + ")",
                    path + "." + field);
        }
    }

    private static String describe(JsonNode value) {
        if (value == null || value.isMissingNode()) {
            return "missing";
        }
        return ChatRequestParser.abbreviate(value.toString());
    }

    private static InvalidRequestError invalid(String message, String param) {
        return new InvalidRequestError(message, "invalid_request", param);
    }
}
