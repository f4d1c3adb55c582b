package dev.tiergate.server.responses;

import static dev.tiergate.core.model.ChatRequestParser.abbreviate;
import static dev.tiergate.core.model.ChatRequestParser.kind;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.core.error.InvalidRequestError;
import dev.tiergate.core.model.ChatRequestParser;
import dev.tiergate.core.model.ObjectArrays;
import dev.tiergate.core.model.ResponseFormat;
import dev.tiergate.core.model.Tool;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and validates a {@code POST /v1/responses} body. Every rejection is a 400 whose message
 * says what was wrong and what was expected and whose {@code param} names the field. What the
 * gateway cannot serve (built-in tools, reasoning items, files, background mode) is refused, never
 * silently dropped; a few fields that change nothing here ({@code include}, {@code truncation},
 * {@code service_tier}, ...) are accepted and ignored.
 */
public final class ResponsesRequestParser {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Set<String> MESSAGE_ROLES = Set.of("user", "assistant", "system", "developer");
    private static final Set<String> TOOL_CHOICES = Set.of("none", "auto", "required");
    private static final Set<String> IGNORED = Set.of("include", "truncation", "stream_options", "service_tier",
            "prompt_cache_key", "prompt_cache_retention", "safety_identifier", "top_logprobs");
    private static final int MAX_METADATA_PAIRS = 16;
    private static final Set<String> TOKEN_COUNT_FIELDS = Set.of("model", "input", "previous_response_id", "tools",
            "text", "reasoning", "truncation", "instructions", "conversation", "tool_choice", "parallel_tool_calls",
            "personality");

    private ResponsesRequestParser() {
    }

    public static ResponsesRequest parse(byte[] body) {
        return parse(ChatRequestParser.parseObject(body));
    }

    public static ResponsesRequest parse(ObjectNode root) {
        return parse(root, true);
    }

    /**
     * A {@code POST /v1/responses/input_tokens} body: the fields that shape a request's input
     * (OpenAI's {@code TokenCountsBody}); {@code model} and {@code input} may be left out (then
     * {@code model} is empty and {@code input} has no items). Other fields are unknown parameters.
     */
    public static ResponsesRequest parseTokenCount(byte[] body) {
        ObjectNode root = ChatRequestParser.parseObject(body);
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!TOKEN_COUNT_FIELDS.contains(name)) {
                throw new InvalidRequestError("Unknown parameter: '" + abbreviate(name) + "'.", "unknown_parameter", name);
            }
        }
        JsonNode personality = root.remove("personality");
        if (personality != null && !personality.isNull()) {
            string(personality, "personality");
        }
        return parse(root, false);
    }

    private static ResponsesRequest parse(ObjectNode root, boolean modelAndInputRequired) {
        String model = null;
        List<ObjectNode> input = null;
        JsonNode instructions = null;
        List<Tool> tools = null;
        JsonNode toolChoice = null;
        ResponseFormat format = null;
        Integer maxOutputTokens = null;
        Double temperature = null;
        Double topP = null;
        Boolean parallelToolCalls = null;
        String effort = null;
        String user = null;
        ObjectNode metadata = NODES.objectNode();
        boolean store = true;
        boolean stream = false;
        String previous = null;
        JsonNode echoTools = NODES.arrayNode();
        JsonNode echoToolChoice = NODES.textNode("auto");
        JsonNode echoText = NODES.objectNode().set("format", NODES.objectNode().put("type", "text"));
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String name = field.getKey();
            JsonNode v = field.getValue();
            if (v.isNull() || IGNORED.contains(name)) {
                continue;
            }
            switch (name) {
                case "model" -> model = string(v, "model");
                case "input" -> input = input(v);
                case "instructions" -> instructions = instructions(v);
                case "tools" -> {
                    tools = tools(v);
                    echoTools = v;
                }
                case "tool_choice" -> {
                    toolChoice = toolChoice(v);
                    echoToolChoice = v;
                }
                case "text" -> {
                    format = textFormat(v);
                    echoText = v;
                }
                case "max_output_tokens" -> maxOutputTokens = integer(v, "max_output_tokens");
                case "temperature" -> temperature = number(v, "temperature", 2);
                case "top_p" -> topP = number(v, "top_p", 1);
                case "parallel_tool_calls" -> parallelToolCalls = bool(v, "parallel_tool_calls");
                case "reasoning" -> effort = reasoningEffort(v);
                case "user" -> user = string(v, "user");
                case "metadata" -> metadata = metadata(v);
                case "store" -> store = bool(v, "store");
                case "stream" -> stream = bool(v, "stream");
                case "previous_response_id" -> previous = string(v, "previous_response_id");
                case "background" -> {
                    if (bool(v, "background")) {
                        throw unsupported("background: true (background responses are not served by this gateway)",
                                "background");
                    }
                }
                case "conversation", "prompt", "max_tool_calls", "context_management" -> throw unsupported(
                        name + ": not supported by this gateway (use previous_response_id for conversation state)", name);
                default -> throw new InvalidRequestError("Unknown parameter: '" + abbreviate(name) + "'.",
                        "unknown_parameter", name);
            }
        }
        if (!modelAndInputRequired) {
            model = model == null ? "" : model;
            input = input == null ? List.of() : input;
        }
        if (model == null) {
            throw invalid("model: missing (expected: a model name such as \"auto\")", "model");
        }
        if (input == null) {
            throw invalid("input: missing (expected: a string or an array of input items)", "input");
        }
        return new ResponsesRequest(model, input, instructions, tools, toolChoice, format, maxOutputTokens,
                temperature, topP, parallelToolCalls, effort, user, metadata, store, stream, previous,
                new ResponsesRequest.Echo(echoTools, echoToolChoice, echoText));
    }

    private static List<ObjectNode> input(JsonNode v) {
        if (v.isTextual()) {
            ObjectNode message = NODES.objectNode().put("type", "message").put("role", "user");
            message.putArray("content").addObject().put("type", "input_text").put("text", v.textValue());
            return List.of(withId(message, "msg", "input"));
        }
        return ObjectArrays.read(v, "input", "a string or an array of input items", "input item",
                ResponsesRequestParser::inputItem);
    }

    /** A string, or input items as in {@code input} (e.g. a previous response's {@code instructions} echoed back). */
    private static JsonNode instructions(JsonNode v) {
        if (v.isTextual()) {
            return v;
        }
        return NODES.arrayNode().addAll(ObjectArrays.read(v, "instructions", "a string or an array of input items",
                "input item", ResponsesRequestParser::inputItem));
    }

    private static ObjectNode inputItem(ObjectNode v, String path) {
        ObjectNode item = v.deepCopy();
        String type = item.has("type") ? string(item.get("type"), path + ".type") : "message";
        switch (type) {
            case "message" -> {
                String role = string(required(item, "role", path), path + ".role");
                if (!MESSAGE_ROLES.contains(role)) {
                    throw invalid(path + ".role: '" + abbreviate(role) + "' (expected: one of assistant, developer,"
                            + " system, user)", path + ".role");
                }
                messageContent(required(item, "content", path), role, path + ".content");
                item.put("type", "message");
                return withId(item, "msg", path);
            }
            case "function_call" -> {
                string(required(item, "call_id", path), path + ".call_id");
                string(required(item, "name", path), path + ".name");
                string(required(item, "arguments", path), path + ".arguments");
                return withId(item, "fc", path);
            }
            case "function_call_output" -> {
                string(required(item, "call_id", path), path + ".call_id");
                JsonNode output = required(item, "output", path);
                if (!output.isTextual()) {
                    textParts(output, path + ".output", Set.of("input_text"));
                }
                return withId(item, "fco", path);
            }
            default -> throw unsupported(path + ".type: '" + abbreviate(type) + "' is not supported by this gateway"
                    + " (expected: message, function_call or function_call_output)", path + ".type");
        }
    }

    private static void messageContent(JsonNode content, String role, String path) {
        if (content.isTextual()) {
            return;
        }
        Set<String> allowed = "assistant".equals(role) ? Set.of("output_text", "input_text", "refusal")
                : Set.of("input_text", "input_image");
        textParts(content, path, allowed);
    }

    /** Checks an array of content parts of the {@code allowed} types. */
    private static void textParts(JsonNode parts, String path, Set<String> allowed) {
        if (!parts.isArray()) {
            throw invalid(path + ": expected a string or an array of content parts, got " + kind(parts), path);
        }
        for (int i = 0; i < parts.size(); i++) {
            String p = path + "[" + i + "]";
            JsonNode part = parts.get(i);
            if (!part.isObject()) {
                throw invalid(p + ": expected an object, got " + kind(part), p);
            }
            String type = string(required(part, "type", p), p + ".type");
            if (!allowed.contains(type)) {
                throw unsupported(p + ".type: '" + abbreviate(type) + "' is not supported here (expected: one of "
                        + String.join(", ", new java.util.TreeSet<>(allowed)) + ")", p + ".type");
            }
            switch (type) {
                case "input_text", "output_text" -> string(required(part, "text", p), p + ".text");
                case "refusal" -> string(required(part, "refusal", p), p + ".refusal");
                case "input_image" -> {
                    JsonNode url = part.get("image_url");
                    if (url == null || !url.isTextual()) {
                        throw unsupported(p + ".image_url: expected a URL or a data URL (file_id is not supported"
                                + " by this gateway)", p + ".image_url");
                    }
                }
                default -> {
                }
            }
        }
    }

    private static List<Tool> tools(JsonNode v) {
        if (!v.isArray()) {
            throw invalid("tools: expected an array, got " + kind(v), "tools");
        }
        List<Tool> out = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) {
            String p = "tools[" + i + "]";
            JsonNode tool = v.get(i);
            if (!tool.isObject()) {
                throw invalid(p + ": expected an object, got " + kind(tool), p);
            }
            String type = string(required(tool, "type", p), p + ".type");
            if (!"function".equals(type)) {
                throw unsupported(p + ".type: '" + abbreviate(type) + "' is not supported by this gateway (built-in"
                        + " tools are not served; expected: function)", p + ".type");
            }
            String name = string(required(tool, "name", p), p + ".name");
            JsonNode description = tool.get("description");
            JsonNode parameters = tool.get("parameters");
            if (parameters != null && !parameters.isObject() && !parameters.isNull()) {
                throw invalid(p + ".parameters: expected a JSON Schema object, got " + kind(parameters),
                        p + ".parameters");
            }
            JsonNode strict = tool.get("strict");
            out.add(new Tool("function", new Tool.FunctionDefinition(name,
                    description == null || description.isNull() ? null : string(description, p + ".description"),
                    parameters == null || parameters.isNull() ? null : parameters,
                    strict == null || strict.isNull() ? null : bool(strict, p + ".strict")), Map.of()));
        }
        return out;
    }

    private static JsonNode toolChoice(JsonNode v) {
        if (v.isTextual() && TOOL_CHOICES.contains(v.textValue())) {
            return v;
        }
        if (v.isObject() && "function".equals(v.path("type").asText(null)) && v.path("name").isTextual()) {
            ObjectNode chat = NODES.objectNode().put("type", "function");
            chat.putObject("function").put("name", v.get("name").textValue());
            return chat;
        }
        throw unsupported("tool_choice: expected \"none\", \"auto\", \"required\" or {\"type\":\"function\","
                + "\"name\":...}, got " + abbreviate(v.toString()), "tool_choice");
    }

    private static ResponseFormat textFormat(JsonNode v) {
        if (!v.isObject()) {
            throw invalid("text: expected an object, got " + kind(v), "text");
        }
        JsonNode format = v.get("format");
        if (format == null || format.isNull()) {
            return null;
        }
        if (!format.isObject()) {
            throw invalid("text.format: expected an object, got " + kind(format), "text.format");
        }
        String type = string(required(format, "type", "text.format"), "text.format.type");
        return switch (type) {
            case "text" -> null;
            case "json_object" -> new ResponseFormat("json_object", null);
            case "json_schema" -> {
                ObjectNode schema = NODES.objectNode();
                schema.put("name", string(required(format, "name", "text.format"), "text.format.name"));
                JsonNode body = required(format, "schema", "text.format");
                if (!body.isObject()) {
                    throw invalid("text.format.schema: expected a JSON Schema object, got " + kind(body),
                            "text.format.schema");
                }
                if (format.hasNonNull("description")) {
                    schema.put("description", string(format.get("description"), "text.format.description"));
                }
                schema.set("schema", body);
                if (format.hasNonNull("strict")) {
                    schema.put("strict", bool(format.get("strict"), "text.format.strict"));
                }
                yield new ResponseFormat("json_schema", schema);
            }
            default -> throw invalid("text.format.type: '" + abbreviate(type)
                    + "' (expected: one of json_object, json_schema, text)", "text.format.type");
        };
    }

    private static String reasoningEffort(JsonNode v) {
        if (!v.isObject()) {
            throw invalid("reasoning: expected an object, got " + kind(v), "reasoning");
        }
        if (v.hasNonNull("summary")) {
            throw unsupported("reasoning.summary: reasoning summaries are not supported by this gateway",
                    "reasoning.summary");
        }
        return v.hasNonNull("effort") ? string(v.get("effort"), "reasoning.effort") : null;
    }

    private static ObjectNode metadata(JsonNode v) {
        if (!v.isObject()) {
            throw invalid("metadata: expected an object of strings, got " + kind(v), "metadata");
        }
        if (v.size() > MAX_METADATA_PAIRS) {
            throw invalid("metadata: " + v.size() + " keys (expected: at most " + MAX_METADATA_PAIRS + ")", "metadata");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> pair = it.next();
            String p = "metadata." + abbreviate(pair.getKey());
            if (pair.getKey().length() > 64) {
                throw invalid(p + ": key longer than 64 characters", "metadata");
            }
            if (string(pair.getValue(), p).length() > 512) {
                throw invalid(p + ": value longer than 512 characters", "metadata");
            }
        }
        return (ObjectNode) v.deepCopy();
    }

    /** The item with its own id, or a new one when it has none. */
    private static ObjectNode withId(ObjectNode item, String prefix, String path) {
        if (!item.hasNonNull("id")) {
            item.put("id", ResponseIds.next(prefix));
        } else {
            string(item.get("id"), path + ".id");
        }
        return item;
    }

    private static JsonNode required(JsonNode object, String field, String path) {
        JsonNode v = object.get(field);
        if (v == null || v.isNull()) {
            throw invalid(path + "." + field + ": missing", path + "." + field);
        }
        return v;
    }

    private static String string(JsonNode v, String path) {
        if (!v.isTextual()) {
            throw invalid(path + ": expected a string, got " + kind(v), path);
        }
        return v.textValue();
    }

    private static boolean bool(JsonNode v, String path) {
        if (!v.isBoolean()) {
            throw invalid(path + ": expected a boolean, got " + kind(v), path);
        }
        return v.booleanValue();
    }

    private static Double number(JsonNode v, String path, double max) {
        if (!v.isNumber()) {
            throw invalid(path + ": expected a number, got " + kind(v), path);
        }
        double d = v.doubleValue();
        if (!(d >= 0 && d <= max)) {
            throw invalid(path + ": " + v.asText() + " (expected: between 0 and " + (int) max + ")", path);
        }
        return d;
    }

    private static Integer integer(JsonNode v, String path) {
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 1) {
            throw invalid(path + ": " + abbreviate(v.toString()) + " (expected: an integer >= 1)", path);
        }
        return v.intValue();
    }

    private static InvalidRequestError invalid(String message, String param) {
        return new InvalidRequestError(message, "invalid_request", param);
    }

    private static InvalidRequestError unsupported(String message, String param) {
        return new InvalidRequestError(message, "unsupported_parameter", param);
    }
}
