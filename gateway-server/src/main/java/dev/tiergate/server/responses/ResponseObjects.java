package dev.tiergate.server.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.core.error.GatewayError;
import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.model.Message;
import dev.tiergate.core.model.ToolCall;
import dev.tiergate.core.model.Usage;
import java.util.List;

/**
 * Builds the {@code response} object and its output items in OpenAI's shapes: the in-progress
 * shell a stream opens with, the finished response of a chat completion (text in a
 * {@code message} item of {@code output_text} parts, each tool call a {@code function_call}
 * item), usage with its details, and {@code incomplete_details} when the answer was cut short.
 */
public final class ResponseObjects {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ResponseObjects() {
    }

    /** The response before any output: status {@code in_progress}, every required field present. */
    public static ObjectNode shell(ResponsesRequest request, String id, long createdAt, String model) {
        ObjectNode r = NODES.objectNode();
        r.put("id", id);
        r.put("object", "response");
        r.put("created_at", createdAt);
        r.put("status", "in_progress");
        r.putNull("completed_at");
        r.putNull("error");
        r.putNull("incomplete_details");
        r.set("instructions", request.instructions() == null ? NODES.nullNode() : request.instructions().deepCopy());
        if (request.maxOutputTokens() == null) {
            r.putNull("max_output_tokens");
        } else {
            r.put("max_output_tokens", request.maxOutputTokens());
        }
        r.put("model", model);
        r.putArray("output");
        r.put("parallel_tool_calls", request.parallelToolCalls() == null || request.parallelToolCalls());
        putNullable(r, "previous_response_id", request.previousResponseId());
        ObjectNode reasoning = r.putObject("reasoning");
        putNullable(reasoning, "effort", request.reasoningEffort());
        reasoning.putNull("summary");
        r.put("store", request.store());
        r.put("temperature", request.temperature() == null ? 1.0 : request.temperature());
        r.set("text", request.echo().text());
        r.set("tool_choice", request.echo().toolChoice());
        r.set("tools", request.echo().tools());
        r.put("top_p", request.topP() == null ? 1.0 : request.topP());
        r.put("truncation", "disabled");
        r.putNull("usage");
        putNullable(r, "user", request.user());
        r.set("metadata", request.metadata());
        return r;
    }

    /** The finished response of a complete chat answer. */
    public static ObjectNode fromCompletion(ResponsesRequest request, String id, long createdAt, long completedAt,
                                            ChatCompletion completion) {
        ObjectNode response = shell(request, id, createdAt,
                completion.model() != null ? completion.model() : request.model());
        ArrayNode output = NODES.arrayNode();
        String finishReason = null;
        if (!completion.choices().isEmpty()) {
            ChatCompletion.Choice choice = completion.choices().getFirst();
            finishReason = choice.finishReason();
            Message message = choice.message();
            String text = message == null ? "" : message.text();
            JsonNode refusal = message == null ? null : message.extra().get("refusal");
            boolean refused = refusal != null && refusal.isTextual() && !refusal.textValue().isEmpty();
            if (!text.isEmpty() || refused) {
                ObjectNode item = messageItem(ResponseIds.next("msg"), "completed");
                item.withArrayProperty("content").add(refused && text.isEmpty() ? refusalPart(refusal.textValue())
                        : outputText(text));
                output.add(item);
            }
            if (message != null && message.toolCalls() != null) {
                for (ToolCall call : message.toolCalls()) {
                    output.add(functionCallItem(ResponseIds.next("fc"), call.id(), call.function().name(),
                            call.function().arguments(), "completed"));
                }
            }
        }
        return finish(response, output, completion.usage(), finishReason, completedAt);
    }

    /** Sets output, usage and the final status ({@code incomplete} when cut at the token limit or filtered). */
    public static ObjectNode finish(ObjectNode response, ArrayNode output, Usage usage, String finishReason,
                                    long completedAt) {
        response.set("output", output);
        String incomplete = switch (finishReason == null ? "" : finishReason) {
            case "length" -> "max_output_tokens";
            case "content_filter" -> "content_filter";
            default -> null;
        };
        if (incomplete != null) {
            response.put("status", "incomplete");
            response.putObject("incomplete_details").put("reason", incomplete);
        } else {
            response.put("status", "completed");
            response.put("completed_at", completedAt);
        }
        response.set("usage", usage(usage));
        return response;
    }

    /** Marks a response failed with the gateway error that ended it. */
    public static ObjectNode failed(ObjectNode response, ArrayNode output, GatewayError error) {
        response.set("output", output);
        response.put("status", "failed");
        ObjectNode e = response.putObject("error");
        e.put("code", error.code() == null ? error.type() : error.code());
        e.put("message", error.getMessage());
        return response;
    }

    public static ObjectNode messageItem(String id, String status) {
        ObjectNode item = NODES.objectNode();
        item.put("id", id);
        item.put("type", "message");
        item.put("status", status);
        item.put("role", "assistant");
        item.putArray("content");
        return item;
    }

    public static ObjectNode outputText(String text) {
        ObjectNode part = NODES.objectNode();
        part.put("type", "output_text");
        part.put("text", text);
        part.putArray("annotations");
        part.putArray("logprobs");
        return part;
    }

    static ObjectNode refusalPart(String refusal) {
        return NODES.objectNode().put("type", "refusal").put("refusal", refusal);
    }

    public static ObjectNode functionCallItem(String id, String callId, String name, String arguments, String status) {
        ObjectNode item = NODES.objectNode();
        item.put("id", id);
        item.put("type", "function_call");
        item.put("status", status);
        item.put("call_id", callId);
        item.put("name", name);
        item.put("arguments", arguments == null ? "" : arguments);
        return item;
    }

    /** OpenAI's ResponseUsage from chat usage; zeros when the provider reported none. */
    public static ObjectNode usage(Usage usage) {
        int input = usage == null || usage.promptTokens() == null ? 0 : usage.promptTokens();
        int output = usage == null || usage.completionTokens() == null ? 0 : usage.completionTokens();
        ObjectNode u = NODES.objectNode();
        u.put("input_tokens", input);
        u.putObject("input_tokens_details").put("cached_tokens", usage == null ? 0 : usage.cachedTokens());
        u.put("output_tokens", output);
        JsonNode reasoning = usage == null ? null : usage.extra().get("completion_tokens_details");
        u.putObject("output_tokens_details").put("reasoning_tokens",
                reasoning == null ? 0 : reasoning.path("reasoning_tokens").asInt(0));
        u.put("total_tokens", usage == null || usage.totalTokens() == null ? input + output : usage.totalTokens());
        return u;
    }

    /** The items a continued conversation carries forward: what was said before, then this response's output. */
    public static List<ObjectNode> outputItems(ObjectNode response) {
        List<ObjectNode> items = new java.util.ArrayList<>();
        response.withArrayProperty("output").forEach(item -> items.add((ObjectNode) item));
        return items;
    }

    private static void putNullable(ObjectNode node, String field, String value) {
        if (value == null) {
            node.putNull(field);
        } else {
            node.put(field, value);
        }
    }
}
