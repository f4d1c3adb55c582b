package dev.tiergate.server.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.core.model.AnthropicOrigin;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.ContentPart;
import dev.tiergate.core.model.Message;
import dev.tiergate.core.model.MessageContent;
import dev.tiergate.core.model.StreamOptions;
import dev.tiergate.core.model.Tool;
import dev.tiergate.core.model.ToolCall;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps an Anthropic Messages request onto the chat request the pipeline serves (limits, caches,
 * router, accounting and every provider read the translation), and keeps the request as it came in
 * the extra field {@link AnthropicOrigin#REQUEST}, which an Anthropic upstream sends instead.
 *
 * <p>{@code system} (a string or text blocks) becomes the first message, a mid-conversation
 * {@code system} message (Claude Code sends them) a system message where it stands; a user turn's
 * {@code tool_result} blocks become {@code tool} messages (an {@code is_error} result's text starts
 * with {@code "Error: "}), before the rest of the turn; text, image (base64 as a data URL, or a
 * URL) and document blocks (plain text as text, base64 PDF as a {@code file} part) become parts;
 * an assistant turn's {@code tool_use} blocks become tool calls. Thinking blocks, {@code cache_control}
 * and server tools (web search, code execution, ...) have no chat equivalent and are left out of the
 * translation only. {@code tool_choice} {@code any} is {@code required}, {@code tool} a named
 * function; {@code disable_parallel_tool_use} is {@code parallel_tool_calls: false};
 * {@code stop_sequences} is {@code stop}; {@code max_tokens} is {@code max_completion_tokens};
 * {@code metadata.user_id} is {@code user}.
 */
public final class MessagesToChat {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private MessagesToChat() {
    }

    public static ChatRequest translate(MessagesRequest request) {
        ObjectNode body = request.body();
        List<Message> messages = new ArrayList<>();
        String system = systemText(body.get("system"));
        if (!system.isEmpty()) {
            messages.add(Message.system(system));
        }
        for (JsonNode message : body.path("messages")) {
            String role = message.path("role").asText();
            if ("assistant".equals(role)) {
                assistant(messages, message.get("content"));
            } else if ("system".equals(role)) {
                String text = systemText(message.get("content"));
                if (!text.isEmpty()) {
                    messages.add(Message.system(text));
                }
            } else {
                user(messages, message.get("content"));
            }
        }
        List<Tool> tools = tools(body.get("tools"));
        Map<String, JsonNode> extra = new LinkedHashMap<>();
        JsonNode choice = body.get("tool_choice");
        if (choice != null && choice.path("disable_parallel_tool_use").asBoolean(false) && tools != null) {
            extra.put("parallel_tool_calls", NODES.booleanNode(false));
        }
        extra.put(AnthropicOrigin.REQUEST, origin(request));
        List<String> stop = new ArrayList<>();
        body.path("stop_sequences").forEach(s -> stop.add(s.textValue()));
        JsonNode max = body.get("max_tokens");
        JsonNode user = body.path("metadata").get("user_id");
        boolean stream = request.stream();
        return new ChatRequest(request.model(), messages, stream ? Boolean.TRUE : null,
                stream ? StreamOptions.withUsage(null, true) : null, number(body.get("temperature")),
                number(body.get("top_p")), null, max == null || !max.canConvertToInt() ? null : max.intValue(),
                null, null, stop.isEmpty() ? null : stop, tools, tools == null ? null : toolChoice(choice), null,
                user != null && user.isTextual() ? user.textValue() : null, extra);
    }

    /** The request as it came, without {@code model} and {@code stream} (the upstream call sets both), and its headers. */
    private static ObjectNode origin(MessagesRequest request) {
        ObjectNode body = request.body().deepCopy();
        body.remove("model");
        body.remove("stream");
        ObjectNode origin = NODES.objectNode();
        origin.set("body", body);
        ObjectNode headers = origin.putObject("headers");
        request.headers().forEach(headers::put);
        return origin;
    }

    /** The text of a system string or its text blocks, blocks joined by a blank line. */
    static String systemText(JsonNode system) {
        if (system == null || system.isNull()) {
            return "";
        }
        if (system.isTextual()) {
            return system.textValue();
        }
        List<String> texts = new ArrayList<>();
        system.forEach(block -> texts.add(block.path("text").asText("")));
        return String.join("\n\n", texts);
    }

    private static void user(List<Message> messages, JsonNode content) {
        if (content.isTextual()) {
            messages.add(Message.user(content.textValue()));
            return;
        }
        List<ContentPart> parts = new ArrayList<>();
        for (JsonNode block : content) {
            switch (block.path("type").asText()) {
                case "tool_result" -> messages.add(new Message("tool", MessageContent.of(toolResultText(block)), null,
                        null, block.get("tool_use_id").textValue(), Map.of()));
                case "text" -> parts.add(ContentPart.text(block.get("text").textValue()));
                case "image" -> {
                    ContentPart image = image(block.get("source"));
                    if (image != null) {
                        parts.add(image);
                    }
                }
                case "document" -> parts.add(document(block));
                default -> {
                    // thinking and server tool blocks in a user turn: nothing a chat model reads
                }
            }
        }
        if (parts.isEmpty()) {
            return;
        }
        boolean onlyText = parts.stream().allMatch(p -> "text".equals(p.type()));
        messages.add(new Message("user", onlyText && parts.size() == 1 ? MessageContent.of(parts.getFirst().text())
                : new MessageContent.Parts(parts), null, null, null, Map.of()));
    }

    private static void assistant(List<Message> messages, JsonNode content) {
        if (content.isTextual()) {
            messages.add(Message.assistant(content.textValue()));
            return;
        }
        StringBuilder text = new StringBuilder();
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode block : content) {
            switch (block.path("type").asText()) {
                case "text" -> text.append(block.get("text").textValue());
                case "tool_use" -> calls.add(ToolCall.function(block.get("id").textValue(),
                        block.get("name").textValue(), block.get("input").toString()));
                default -> {
                    // thinking, redacted_thinking and server tool blocks: the Anthropic upstream's business
                }
            }
        }
        if (text.isEmpty() && calls.isEmpty()) {
            return;
        }
        messages.add(new Message("assistant", text.isEmpty() && !calls.isEmpty() ? null
                : MessageContent.of(text.toString()), null, calls.isEmpty() ? null : calls, null, Map.of()));
    }

    /** A tool result's text (a string, or its text blocks joined), after {@code "Error: "} when it is one. */
    private static String toolResultText(JsonNode block) {
        JsonNode content = block.get("content");
        StringBuilder text = new StringBuilder();
        if (content != null && content.isTextual()) {
            text.append(content.textValue());
        } else if (content != null && content.isArray()) {
            for (JsonNode part : content) {
                if (part.path("text").isTextual()) {
                    if (!text.isEmpty()) {
                        text.append('\n');
                    }
                    text.append(part.get("text").textValue());
                }
            }
        }
        return block.path("is_error").asBoolean(false) ? "Error: " + text : text.toString();
    }

    /** A base64 image as a data URL, a URL image as its URL; other sources (files) have no chat equivalent. */
    private static ContentPart image(JsonNode source) {
        return switch (source.path("type").asText()) {
            case "base64" -> ContentPart.image("data:" + source.path("media_type").asText() + ";base64,"
                    + source.path("data").asText());
            case "url" -> ContentPart.image(source.path("url").asText());
            default -> null;
        };
    }

    /**
     * A plain-text document as text; a base64 PDF as OpenAI's {@code file} part; any other source
     * as a part of type {@code document} with its fields (a provider that cannot read it says so).
     */
    private static ContentPart document(JsonNode block) {
        JsonNode source = block.get("source");
        String title = block.path("title").isTextual() ? block.get("title").textValue() : null;
        switch (source.path("type").asText()) {
            case "text" -> {
                String text = source.path("data").asText("");
                return ContentPart.text(title == null ? text : title + "\n\n" + text);
            }
            case "base64" -> {
                ObjectNode file = NODES.objectNode().put("filename", title == null ? "document.pdf" : title)
                        .put("file_data", "data:" + source.path("media_type").asText("application/pdf") + ";base64,"
                                + source.path("data").asText());
                return new ContentPart("file", null, null, Map.of("file", file));
            }
            default -> {
                Map<String, JsonNode> fields = new LinkedHashMap<>();
                block.properties().forEach(f -> {
                    if (!"type".equals(f.getKey())) {
                        fields.put(f.getKey(), f.getValue());
                    }
                });
                return new ContentPart("document", null, null, fields);
            }
        }
    }

    /** Custom tools (with {@code input_schema}) as function tools; server tools have no chat equivalent. */
    private static List<Tool> tools(JsonNode tools) {
        if (tools == null || !tools.isArray()) {
            return null;
        }
        List<Tool> out = new ArrayList<>();
        for (JsonNode tool : tools) {
            if (!tool.path("input_schema").isObject()) {
                continue;
            }
            String description = tool.path("description").isTextual() ? tool.get("description").textValue() : null;
            out.add(new Tool("function", new Tool.FunctionDefinition(tool.get("name").textValue(), description,
                    tool.get("input_schema"), null), Map.of()));
        }
        return out.isEmpty() ? null : out;
    }

    private static JsonNode toolChoice(JsonNode choice) {
        if (choice == null || choice.isNull()) {
            return null;
        }
        return switch (choice.path("type").asText()) {
            case "any" -> NODES.textNode("required");
            case "none" -> NODES.textNode("none");
            case "tool" -> {
                ObjectNode named = NODES.objectNode().put("type", "function");
                named.putObject("function").put("name", choice.get("name").textValue());
                yield named;
            }
            default -> NODES.textNode("auto");
        };
    }

    private static Double number(JsonNode n) {
        return n == null || !n.isNumber() ? null : n.doubleValue();
    }
}
