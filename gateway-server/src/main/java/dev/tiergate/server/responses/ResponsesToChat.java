package dev.tiergate.server.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.ContentPart;
import dev.tiergate.core.model.Message;
import dev.tiergate.core.model.MessageContent;
import dev.tiergate.core.model.StreamOptions;
import dev.tiergate.core.model.ToolCall;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps a Responses request onto the chat request the pipeline serves: {@code instructions} become
 * the first (system) message (or, given as input items, the first messages), input items become messages in order (consecutive
 * {@code function_call} items join one assistant message's {@code tool_calls}, a
 * {@code function_call_output} becomes a {@code tool} message), flat function tools become chat
 * tools, {@code text.format} becomes {@code response_format} and {@code max_output_tokens}
 * becomes {@code max_completion_tokens}. {@code history} (the items of the conversation a
 * {@code previous_response_id} names) comes before the new input.
 */
public final class ResponsesToChat {
    private ResponsesToChat() {
    }

    public static ChatRequest translate(ResponsesRequest request, List<ObjectNode> history) {
        List<Message> messages = new ArrayList<>();
        JsonNode instructions = request.instructions();
        if (instructions != null && instructions.isTextual()) {
            messages.add(Message.system(instructions.textValue()));
        } else if (instructions != null) {
            instructions.forEach(item -> add(messages, (ObjectNode) item));
        }
        for (ObjectNode item : history) {
            add(messages, item);
        }
        for (ObjectNode item : request.input()) {
            add(messages, item);
        }
        Map<String, JsonNode> extra = new LinkedHashMap<>();
        if (request.parallelToolCalls() != null && !request.tools().isEmpty()) {
            extra.put("parallel_tool_calls", JsonNodeFactory.instance.booleanNode(request.parallelToolCalls()));
        }
        if (request.reasoningEffort() != null) {
            extra.put("reasoning_effort", JsonNodeFactory.instance.textNode(request.reasoningEffort()));
        }
        boolean stream = request.stream();
        return new ChatRequest(request.model(), messages, stream ? Boolean.TRUE : null,
                stream ? StreamOptions.withUsage(null, true) : null, request.temperature(), request.topP(), null,
                request.maxOutputTokens(), null, null, null, request.tools().isEmpty() ? null : request.tools(),
                request.toolChoice(), request.responseFormat(), request.user(), extra);
    }

    private static void add(List<Message> messages, ObjectNode item) {
        switch (item.path("type").asText("message")) {
            case "function_call" -> {
                ToolCall call = ToolCall.function(item.get("call_id").textValue(), item.get("name").textValue(),
                        item.get("arguments").textValue());
                Message last = messages.isEmpty() ? null : messages.getLast();
                if (last != null && "assistant".equals(last.role())) {
                    List<ToolCall> calls = new ArrayList<>(last.toolCalls() == null ? List.of() : last.toolCalls());
                    calls.add(call);
                    messages.set(messages.size() - 1, new Message("assistant", last.content(), last.name(), calls,
                            null, last.extra()));
                } else {
                    messages.add(new Message("assistant", null, null, List.of(call), null, Map.of()));
                }
            }
            case "function_call_output" -> {
                JsonNode output = item.get("output");
                String text = output.isTextual() ? output.textValue() : joinedText(output);
                messages.add(new Message("tool", MessageContent.of(text), null, null,
                        item.get("call_id").textValue(), Map.of()));
            }
            default -> {
                String role = item.get("role").textValue();
                messages.add(new Message(role, content(role, item.get("content")), null, null, null, Map.of()));
            }
        }
    }

    /** A string stays a string; one text part becomes a string; text and image parts become chat parts. */
    private static MessageContent content(String role, JsonNode content) {
        if (content.isTextual()) {
            return MessageContent.of(content.textValue());
        }
        if ("assistant".equals(role)) {
            return MessageContent.of(joinedText(content));
        }
        if (content.size() == 1 && "input_text".equals(content.get(0).path("type").asText())) {
            return MessageContent.of(content.get(0).get("text").textValue());
        }
        List<ContentPart> parts = new ArrayList<>(content.size());
        for (JsonNode part : content) {
            if ("input_image".equals(part.get("type").textValue())) {
                JsonNode detail = part.get("detail");
                parts.add(new ContentPart("image_url", null, new ContentPart.ImageUrl(part.get("image_url").textValue(),
                        detail == null || detail.isNull() ? null : detail.asText()), Map.of()));
            } else {
                parts.add(ContentPart.text(part.get("text").textValue()));
            }
        }
        return new MessageContent.Parts(parts);
    }

    /** The text of text, output text and refusal parts, in order. */
    private static String joinedText(JsonNode parts) {
        StringBuilder text = new StringBuilder();
        for (JsonNode part : parts) {
            JsonNode value = part.has("text") ? part.get("text") : part.get("refusal");
            if (value != null && value.isTextual()) {
                text.append(value.textValue());
            }
        }
        return text.toString();
    }
}
