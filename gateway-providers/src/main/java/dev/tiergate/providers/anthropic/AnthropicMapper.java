package dev.tiergate.providers.anthropic;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.tiergate.core.error.InvalidRequestError;
import dev.tiergate.providers.internal.ExtraParams;
import dev.tiergate.core.json.Json;
import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.ContentPart;
import dev.tiergate.core.model.Message;
import dev.tiergate.core.model.MessageContent;
import dev.tiergate.core.model.Tool;
import dev.tiergate.core.model.ToolCall;
import dev.tiergate.core.model.Usage;
import dev.tiergate.providers.anthropic.AnthropicWire.Block;
import dev.tiergate.providers.anthropic.AnthropicWire.ImageSource;
import dev.tiergate.providers.anthropic.AnthropicWire.MessagesRequest;
import dev.tiergate.providers.anthropic.AnthropicWire.MessagesResponse;
import dev.tiergate.providers.anthropic.AnthropicWire.Metadata;
import dev.tiergate.providers.anthropic.AnthropicWire.ToolChoice;
import dev.tiergate.providers.anthropic.AnthropicWire.WireMessage;
import dev.tiergate.providers.anthropic.AnthropicWire.WireTool;
import dev.tiergate.providers.anthropic.AnthropicWire.WireUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Pure translation between OpenAI-shaped records and the Anthropic Messages API.
 *
 * <p>Requests: system and developer messages become {@code system}; consecutive turns of one role
 * are merged (Anthropic requires alternation); tool messages become {@code tool_result} blocks of
 * a user turn, placed before any text; assistant tool calls become {@code tool_use} blocks.
 * {@code max_completion_tokens}, else {@code max_tokens}, else the configured default, is sent as
 * {@code max_tokens}. OpenAI parameters Anthropic cannot honour ({@code n > 1}, logprobs, penalties,
 * JSON response formats, ...) are rejected naming the parameter; {@code seed}, {@code store},
 * {@code metadata} and {@code service_tier} are dropped; any other extra field (e.g. {@code top_k},
 * {@code thinking}) is passed through untouched.
 */
final class AnthropicMapper {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** OpenAI-only fields with no Anthropic meaning that change nothing the client relies on. */
    private static final Set<String> DROPPED = Set.of("seed", "store", "metadata", "service_tier",
            "parallel_tool_calls");
    private static final Set<String> UNSUPPORTED = Set.of("logprobs", "top_logprobs", "logit_bias",
            "presence_penalty", "frequency_penalty", "audio", "modalities", "prediction", "functions",
            "function_call", "web_search_options", "reasoning_effort");

    /** A client's prompt-cache breakpoint on a content part or a tool, kept where the client put it. */
    static final String CACHE_CONTROL = "cache_control";

    private final int defaultMaxTokens;

    AnthropicMapper(int defaultMaxTokens) {
        if (defaultMaxTokens <= 0) {
            throw new IllegalArgumentException("defaultMaxTokens: " + defaultMaxTokens + " (expected: > 0)");
        }
        this.defaultMaxTokens = defaultMaxTokens;
    }

    // ---------------------------------------------------------------- request

    MessagesRequest toRequest(ChatRequest request, boolean stream) {
        requireNonNull(request, "request");
        if (request.n() != null && request.n() > 1) {
            throw ExtraParams.unsupported("n: " + request.n() + " (expected: 1; Anthropic returns one choice)", "n");
        }
        if (request.responseFormat() != null && !"text".equals(request.responseFormat().type())) {
            throw ExtraParams.unsupported("response_format: '" + request.responseFormat().type()
                    + "' is not supported by Anthropic (expected: text)", "response_format");
        }
        if (request.temperature() != null && request.temperature() > 1) {
            throw new InvalidRequestError("temperature: " + request.temperature()
                    + " (expected: between 0 and 1 for Anthropic)", "invalid_value", "temperature");
        }
        Map<String, JsonNode> extra = ExtraParams.passThrough(request.extra(), DROPPED, UNSUPPORTED, "Anthropic");
        List<Block> system = new ArrayList<>();
        List<WireMessage> messages = messages(request.messages(), system);
        int maxTokens = request.maxCompletionTokens() != null ? request.maxCompletionTokens()
                : request.maxTokens() != null ? request.maxTokens() : defaultMaxTokens;
        boolean noParallel = request.extra().getOrDefault("parallel_tool_calls", NODES.nullNode()).isBoolean()
                && !request.extra().get("parallel_tool_calls").booleanValue();
        return new MessagesRequest(
                request.model(),
                maxTokens,
                messages,
                system(system),
                request.temperature(),
                request.topP(),
                request.stop() == null || request.stop().isEmpty() ? null : request.stop(),
                tools(request.tools()),
                toolChoice(request.toolChoice(), noParallel),
                request.user() == null ? null : new Metadata(request.user()),
                stream ? Boolean.TRUE : null,
                extra);
    }

    /**
     * The system prompt: one string of the system and developer texts, or, when the client marked
     * any of them with a {@code cache_control} breakpoint, one text block each, so the breakpoint
     * stays where the client put it.
     */
    private static JsonNode system(List<Block> blocks) {
        if (blocks.isEmpty()) {
            return null;
        }
        if (blocks.stream().allMatch(b -> b.cacheControl() == null)) {
            return TextNode.valueOf(String.join("\n\n", blocks.stream().map(Block::text).toList()));
        }
        return Json.mapper().valueToTree(blocks);
    }

    private static List<WireMessage> messages(List<Message> in, List<Block> system) {
        List<WireMessage> out = new ArrayList<>();
        for (int i = 0; i < in.size(); i++) {
            Message m = in.get(i);
            String path = "messages[" + i + "]";
            switch (m.role()) {
                case "system", "developer" -> {
                    String text = systemText(m.content(), path + ".content");
                    if (m.content() instanceof MessageContent.Parts parts
                            && parts.parts().stream().anyMatch(part -> part.extra().containsKey(CACHE_CONTROL))) {
                        for (ContentPart part : parts.parts()) {
                            if (part.text() != null && !part.text().isEmpty()) {
                                system.add(Block.text(part.text()).withCacheControl(part.extra().get(CACHE_CONTROL)));
                            }
                        }
                    } else if (!text.isEmpty()) {
                        system.add(Block.text(text));
                    }
                }
                case "user" -> append(out, "user", blocks(m.content(), path + ".content"));
                case "assistant" -> {
                    List<Block> blocks = new ArrayList<>(blocks(m.content(), path + ".content"));
                    blocks.addAll(toolUses(m.toolCalls(), path + ".tool_calls"));
                    append(out, "assistant", blocks);
                }
                case "tool" -> append(out, "user", List.of(Block.toolResult(m.toolCallId(),
                        toolResultContent(m.content(), path + ".content"))));
                default -> throw ExtraParams.unsupported(path + ".role: '" + m.role()
                        + "' is not supported by Anthropic (expected: system, developer, user, assistant or tool)",
                        path + ".role");
            }
        }
        return out.stream().map(AnthropicMapper::toolResultsFirst).toList();
    }

    /** Adds a turn, merging it into the previous one when the role repeats; empty turns are skipped. */
    private static void append(List<WireMessage> out, String role, List<Block> blocks) {
        if (blocks.isEmpty()) {
            return;
        }
        if (!out.isEmpty() && out.getLast().role().equals(role)) {
            List<Block> merged = new ArrayList<>(out.getLast().content());
            merged.addAll(blocks);
            out.set(out.size() - 1, new WireMessage(role, merged));
        } else {
            out.add(new WireMessage(role, List.copyOf(blocks)));
        }
    }

    /** Anthropic wants a user turn's tool_result blocks before its other blocks. */
    private static WireMessage toolResultsFirst(WireMessage m) {
        if (!"user".equals(m.role())) {
            return m;
        }
        List<Block> sorted = new ArrayList<>(m.content().size());
        m.content().stream().filter(b -> "tool_result".equals(b.type())).forEach(sorted::add);
        m.content().stream().filter(b -> !"tool_result".equals(b.type())).forEach(sorted::add);
        return new WireMessage(m.role(), sorted);
    }

    private static String systemText(MessageContent content, String path) {
        if (content instanceof MessageContent.Parts parts) {
            for (int j = 0; j < parts.parts().size(); j++) {
                if (!"text".equals(parts.parts().get(j).type())) {
                    throw ExtraParams.unsupported(path + "[" + j + "].type: '" + parts.parts().get(j).type()
                            + "' (expected: text in a system message)", path + "[" + j + "].type");
                }
            }
        }
        return content == null ? "" : content.text();
    }

    private static List<Block> blocks(MessageContent content, String path) {
        return switch (content) {
            case null -> List.of();
            case MessageContent.Text t -> t.text().isEmpty() ? List.of() : List.of(Block.text(t.text()));
            case MessageContent.Parts p -> {
                List<Block> out = new ArrayList<>(p.parts().size());
                for (int j = 0; j < p.parts().size(); j++) {
                    Block b = block(p.parts().get(j), path + "[" + j + "]");
                    if (b != null) {
                        out.add(b);
                    }
                }
                yield out;
            }
        };
    }

    /** A content part as a block, with the client's {@code cache_control} breakpoint if it set one. */
    private static Block block(ContentPart part, String path) {
        Block block = plainBlock(part, path);
        return block == null ? null : block.withCacheControl(part.extra().get(CACHE_CONTROL));
    }

    private static Block plainBlock(ContentPart part, String path) {
        return switch (part.type()) {
            case "text" -> part.text() == null || part.text().isEmpty() ? null : Block.text(part.text());
            case "image_url" -> Block.image(imageSource(part.imageUrl() == null ? null : part.imageUrl().url(),
                    path + ".image_url.url"));
            default -> throw ExtraParams.unsupported(path + ".type: '" + part.type()
                    + "' is not supported by Anthropic (expected: text or image_url)", path + ".type");
        };
    }

    /** {@code data:<media type>;base64,<data>} becomes a base64 source, an http(s) URL a url source. */
    static ImageSource imageSource(String url, String path) {
        if (url != null && url.startsWith("data:")) {
            int comma = url.indexOf(',');
            String header = comma < 0 ? "" : url.substring(5, comma);
            if (!header.endsWith(";base64") || header.length() == ";base64".length()) {
                throw new InvalidRequestError(path + ": a data URL must be data:<media type>;base64,<data>",
                        "invalid_value", path);
            }
            return new ImageSource("base64", header.substring(0, header.length() - ";base64".length()),
                    url.substring(comma + 1), null);
        }
        if (url != null && (url.startsWith("https://") || url.startsWith("http://"))) {
            return new ImageSource("url", null, null, url);
        }
        throw new InvalidRequestError(path + ": expected an http(s) URL or a base64 data URL", "invalid_value", path);
    }

    private static List<Block> toolUses(List<ToolCall> calls, String path) {
        if (calls == null) {
            return List.of();
        }
        List<Block> out = new ArrayList<>(calls.size());
        for (int j = 0; j < calls.size(); j++) {
            ToolCall call = calls.get(j);
            String p = path + "[" + j + "].function.arguments";
            out.add(Block.toolUse(call.id(), call.function().name(), arguments(call.function().arguments(), p)));
        }
        return out;
    }

    /** A tool call's JSON-encoded arguments as the object Anthropic wants; blank means none. */
    static ObjectNode arguments(String json, String path) {
        if (json == null || json.isBlank()) {
            return NODES.objectNode();
        }
        try {
            JsonNode node = Json.mapper().readTree(json);
            if (node instanceof ObjectNode object) {
                return object;
            }
        } catch (JsonProcessingException e) {
            // reported below
        }
        throw new InvalidRequestError(path + ": expected a JSON object encoded as a string", "invalid_value", path);
    }

    private static JsonNode toolResultContent(MessageContent content, String path) {
        if (content instanceof MessageContent.Parts) {
            List<Block> blocks = blocks(content, path);
            return blocks.isEmpty() ? null : Json.mapper().valueToTree(blocks);
        }
        String text = content == null ? "" : content.text();
        return text.isEmpty() ? null : TextNode.valueOf(text);
    }

    private static List<WireTool> tools(List<Tool> tools) {
        if (tools == null || tools.isEmpty()) {
            return null;
        }
        List<WireTool> out = new ArrayList<>(tools.size());
        for (int i = 0; i < tools.size(); i++) {
            Tool tool = tools.get(i);
            if (!"function".equals(tool.type()) || tool.function() == null) {
                throw ExtraParams.unsupported("tools[" + i + "].type: '" + tool.type()
                        + "' is not supported by Anthropic (expected: function)", "tools[" + i + "].type");
            }
            JsonNode schema = tool.function().parameters();
            if (schema == null || schema.isNull()) {
                schema = NODES.objectNode().put("type", "object").set("properties", NODES.objectNode());
            }
            out.add(new WireTool(tool.function().name(), tool.function().description(), schema,
                    tool.extra().get(CACHE_CONTROL)));
        }
        return out;
    }

    private static ToolChoice toolChoice(JsonNode choice, boolean noParallel) {
        Boolean disable = noParallel ? Boolean.TRUE : null;
        if (choice == null || choice.isNull()) {
            return noParallel ? new ToolChoice("auto", null, true) : null;
        }
        if (choice.isTextual()) {
            return switch (choice.textValue()) {
                case "auto" -> new ToolChoice("auto", null, disable);
                case "none" -> new ToolChoice("none", null, null);
                case "required" -> new ToolChoice("any", null, disable);
                default -> throw new InvalidRequestError("tool_choice: '" + choice.textValue()
                        + "' (expected: none, auto, required or a function)", "invalid_value", "tool_choice");
            };
        }
        String name = choice.path("function").path("name").asText("");
        if (!"function".equals(choice.path("type").asText()) || name.isEmpty()) {
            throw new InvalidRequestError("tool_choice: expected {\"type\":\"function\",\"function\":{\"name\":...}}",
                    "invalid_value", "tool_choice");
        }
        return new ToolChoice("tool", name, disable);
    }

    // ---------------------------------------------------------------- response

    ChatCompletion toCompletion(MessagesResponse response, long created) {
        StringBuilder text = new StringBuilder();
        List<ToolCall> toolCalls = new ArrayList<>();
        for (Block block : response.content() == null ? List.<Block>of() : response.content()) {
            switch (block.type()) {
                case "text" -> text.append(block.text() == null ? "" : block.text());
                case "tool_use" -> toolCalls.add(ToolCall.function(block.id(), block.name(),
                        block.input() == null ? "{}" : block.input().toString()));
                default -> {
                    // thinking, redacted_thinking and server tool blocks have no OpenAI equivalent
                }
            }
        }
        MessageContent content = text.isEmpty() && !toolCalls.isEmpty() ? null : MessageContent.of(text.toString());
        Message message = new Message("assistant", content, null, toolCalls.isEmpty() ? null : toolCalls, null, Map.of());
        ChatCompletion.Choice choice = new ChatCompletion.Choice(0, message, finishReason(response.stopReason()), Map.of());
        return new ChatCompletion(response.id(), ChatCompletion.OBJECT, created, response.model(), List.of(choice),
                usage(response.usage()), null, Map.of());
    }

    /** Anthropic's stop_reason as an OpenAI finish_reason; null stays null. */
    static String finishReason(String stopReason) {
        if (stopReason == null) {
            return null;
        }
        return switch (stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "refusal" -> "content_filter";
            default -> "stop";
        };
    }

    /**
     * Prompt tokens include cache reads and writes; cache reads are the cached tokens, writes go to
     * {@code prompt_tokens_details.cache_write_tokens} and the part of them written for an hour
     * ({@code cache_creation.ephemeral_1h_input_tokens}) to {@code cache_write_1h_tokens}, when
     * there are any. Every usage Anthropic reports (complete answers, streams, pass-through) is
     * read here, so the prices of cache reads and writes apply to all alike.
     */
    static Usage usage(WireUsage usage) {
        if (usage == null) {
            return null;
        }
        int cacheRead = orZero(usage.cacheReadInputTokens());
        int cacheWrite = orZero(usage.cacheCreationInputTokens());
        int prompt = orZero(usage.inputTokens()) + cacheRead + cacheWrite;
        int completion = orZero(usage.outputTokens());
        ObjectNode details = NODES.objectNode().put("cached_tokens", cacheRead);
        if (cacheWrite > 0) {
            details.put(Usage.CACHE_WRITE_TOKENS, cacheWrite);
            int oneHour = usage.cacheCreation() == null ? 0 : orZero(usage.cacheCreation().ephemeral1hInputTokens());
            if (oneHour > 0) {
                details.put(Usage.CACHE_WRITE_1H_TOKENS, Math.min(oneHour, cacheWrite));
            }
        }
        return new Usage(prompt, completion, prompt + completion, Map.of("prompt_tokens_details", details));
    }

    private static int orZero(Integer n) {
        return n == null ? 0 : n;
    }
}
