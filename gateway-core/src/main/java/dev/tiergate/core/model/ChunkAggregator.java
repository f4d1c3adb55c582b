package dev.tiergate.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Folds a stream of chunks into the {@link ChatCompletion} a plain request would have received:
 * content concatenated per choice, tool call fragments joined by their index (and the fragments of
 * a legacy {@code function_call} joined into one), the finish reason and the last usage seen; token
 * log-probabilities ({@code logprobs.content}), when the chunks carry them, joined per choice. Not
 * thread-safe: one per stream, fed in order (the caches' recordings, the cascade's buffered streams).
 */
public final class ChunkAggregator {
    private String id;
    private Long created;
    private String model;
    private String systemFingerprint;
    private Usage usage;
    private final TreeMap<Integer, ChoiceBuilder> choices = new TreeMap<>();

    public void add(ChatChunk chunk) {
        if (id == null) {
            id = chunk.id();
        }
        if (created == null) {
            created = chunk.created();
        }
        if (model == null) {
            model = chunk.model();
        }
        if (chunk.systemFingerprint() != null) {
            systemFingerprint = chunk.systemFingerprint();
        }
        if (chunk.usage() != null) {
            usage = chunk.usage();
        }
        for (ChatChunk.ChunkChoice choice : chunk.choices()) {
            int index = choice.index() == null ? 0 : choice.index();
            ChoiceBuilder builder = choices.computeIfAbsent(index, i -> new ChoiceBuilder());
            builder.add(choice);
        }
    }

    public ChatCompletion toCompletion() {
        List<ChatCompletion.Choice> built = new ArrayList<>(choices.size());
        choices.forEach((index, builder) -> built.add(builder.build(index)));
        return new ChatCompletion(id, ChatCompletion.OBJECT, created, model, built, usage, systemFingerprint,
                Map.of());
    }

    private static final class ChoiceBuilder {
        private String role;
        private StringBuilder content;
        private final TreeMap<Integer, ToolCallBuilder> toolCalls = new TreeMap<>();
        /** A legacy {@code function_call} (the answer to {@code functions}): its name and arguments. */
        private ToolCallBuilder functionCall;
        private String finishReason;
        private ArrayNode logprobs;

        void add(ChatChunk.ChunkChoice choice) {
            JsonNode tokens = choice.extra().containsKey("logprobs")
                    ? choice.extra().get("logprobs").path("content") : null;
            if (tokens != null && tokens.isArray()) {
                if (logprobs == null) {
                    logprobs = JsonNodeFactory.instance.arrayNode();
                }
                logprobs.addAll((ArrayNode) tokens);
            }
            ChatChunk.Delta delta = choice.delta();
            if (delta != null) {
                if (delta.role() != null) {
                    role = delta.role();
                }
                if (delta.content() != null) {
                    if (content == null) {
                        content = new StringBuilder();
                    }
                    content.append(delta.content());
                }
                if (delta.toolCalls() != null) {
                    for (ToolCall fragment : delta.toolCalls()) {
                        int index = fragment.index() != null ? fragment.index() : toolCalls.size();
                        toolCalls.computeIfAbsent(index, i -> new ToolCallBuilder()).add(fragment);
                    }
                }
                JsonNode function = delta.extra().get("function_call");
                if (function != null && function.isObject()) {
                    if (functionCall == null) {
                        functionCall = new ToolCallBuilder();
                    }
                    functionCall.add(new ToolCall(null, null, null, new ToolCall.FunctionCall(
                            function.path("name").textValue(), function.path("arguments").textValue())));
                }
            }
            if (choice.finishReason() != null) {
                finishReason = choice.finishReason();
            }
        }

        ChatCompletion.Choice build(int index) {
            List<ToolCall> calls = null;
            if (!toolCalls.isEmpty()) {
                calls = new ArrayList<>(toolCalls.size());
                for (ToolCallBuilder call : toolCalls.values()) {
                    calls.add(call.build());
                }
            }
            MessageContent text = content != null ? MessageContent.of(content.toString())
                    : calls == null && functionCall == null ? MessageContent.of("") : null;
            Map<String, JsonNode> extra = Map.of();
            if (functionCall != null) {
                ToolCall.FunctionCall function = functionCall.build().function();
                extra = Map.of("function_call", JsonNodeFactory.instance.objectNode()
                        .put("name", function.name()).put("arguments", function.arguments()));
            }
            Message message = new Message(role == null ? "assistant" : role, text, null, calls, null, extra);
            if (logprobs == null) {
                return new ChatCompletion.Choice(index, message, finishReason, Map.of());
            }
            ObjectNode joined = JsonNodeFactory.instance.objectNode();
            joined.set("content", logprobs);
            return new ChatCompletion.Choice(index, message, finishReason, Map.of("logprobs", joined));
        }
    }

    private static final class ToolCallBuilder {
        private String id;
        private String type;
        private String name;
        private final StringBuilder arguments = new StringBuilder();

        void add(ToolCall fragment) {
            if (fragment.id() != null) {
                id = fragment.id();
            }
            if (fragment.type() != null) {
                type = fragment.type();
            }
            if (fragment.function() != null) {
                if (fragment.function().name() != null) {
                    name = fragment.function().name();
                }
                if (fragment.function().arguments() != null) {
                    arguments.append(fragment.function().arguments());
                }
            }
        }

        ToolCall build() {
            return new ToolCall(null, id, type == null ? "function" : type,
                    new ToolCall.FunctionCall(name, arguments.toString()));
        }
    }
}
