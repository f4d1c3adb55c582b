package dev.tiergate.core.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.core.error.InvalidRequestError;
import dev.tiergate.core.json.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and validates request bodies. Every rejection is an {@link InvalidRequestError} whose
 * message says which field was wrong and what was expected, and whose {@code param} names it.
 */
public final class ChatRequestParser {
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool", "function");
    private static final Set<String> RESPONSE_FORMATS = Set.of("text", "json_object", "json_schema");
    private static final ObjectMapper STRICT = Json.mapper().copy()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private ChatRequestParser() {
    }

    /** Parses a JSON object body, rejecting broken JSON, duplicate keys and non-objects. */
    public static ObjectNode parseObject(byte[] body) {
        if (body.length == 0) {
            throw invalid("request body is empty (expected: a JSON object)", null);
        }
        JsonNode root;
        try {
            root = STRICT.readTree(body);
        } catch (JsonProcessingException e) {
            throw invalid("request body is not valid JSON: " + e.getOriginalMessage()
                    + locationOf(e), null);
        } catch (IOException e) {
            throw invalid("request body could not be read: " + e.getMessage(), null);
        }
        if (root == null || !root.isObject()) {
            throw invalid("request body must be a JSON object", null);
        }
        return (ObjectNode) root;
    }

    public static ChatRequest parseChat(byte[] body) {
        return chat(parseObject(body));
    }

    public static ChatRequest chat(ObjectNode root) {
        Map<String, JsonNode> extra = new LinkedHashMap<>();
        String model = null;
        List<Message> messages = null;
        Boolean stream = null;
        StreamOptions streamOptions = null;
        Double temperature = null;
        Double topP = null;
        Integer maxTokens = null;
        Integer maxCompletionTokens = null;
        Integer n = null;
        Long seed = null;
        List<String> stop = null;
        List<Tool> tools = null;
        JsonNode toolChoice = null;
        ResponseFormat responseFormat = null;
        String user = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String name = field.getKey();
            JsonNode v = field.getValue();
            switch (name) {
                case "model" -> model = requiredString(v, "model");
                case "messages" -> messages = messages(v);
                case "stream" -> stream = optionalBoolean(v, "stream");
                case "stream_options" -> streamOptions = v.isNull() ? null : streamOptions(v);
                case "temperature" -> temperature = optionalNumber(v, "temperature", 0, 2);
                case "top_p" -> topP = optionalNumber(v, "top_p", 0, 1);
                case "max_tokens" -> maxTokens = optionalInt(v, "max_tokens", 1, Integer.MAX_VALUE);
                case "max_completion_tokens" -> maxCompletionTokens =
                        optionalInt(v, "max_completion_tokens", 1, Integer.MAX_VALUE);
                case "n" -> n = optionalInt(v, "n", 1, 128);
                case "seed" -> seed = optionalLong(v, "seed");
                case "stop" -> stop = stop(v);
                case "tools" -> tools = v.isNull() ? null : tools(v);
                case "tool_choice" -> toolChoice = toolChoice(v);
                case "response_format" -> responseFormat = v.isNull() ? null : responseFormat(v);
                case "user" -> user = v.isNull() ? null : requiredString(v, "user");
                default -> extra.put(name, v);
            }
        }
        if (model == null) {
            throw invalid("model: missing (expected: a model name such as \"auto\")", "model");
        }
        if (messages == null) {
            throw invalid("messages: missing (expected: a non-empty array of messages)", "messages");
        }
        return new ChatRequest(model, messages, stream, streamOptions, temperature, topP, maxTokens,
                maxCompletionTokens, n, seed, stop, tools, toolChoice, responseFormat, user, extra);
    }

    public static EmbeddingRequest parseEmbedding(byte[] body) {
        ObjectNode root = parseObject(body);
        Map<String, JsonNode> extra = new LinkedHashMap<>();
        String model = null;
        JsonNode input = null;
        String encodingFormat = null;
        Integer dimensions = null;
        String user = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode v = field.getValue();
            switch (field.getKey()) {
                case "model" -> model = requiredString(v, "model");
                case "input" -> input = embeddingInput(v);
                case "encoding_format" -> encodingFormat = v.isNull() ? null : requiredString(v, "encoding_format");
                case "dimensions" -> dimensions = optionalInt(v, "dimensions", 1, 65_536);
                case "user" -> user = v.isNull() ? null : requiredString(v, "user");
                default -> extra.put(field.getKey(), v);
            }
        }
        if (model == null) {
            throw invalid("model: missing (expected: an embedding model name)", "model");
        }
        if (input == null) {
            throw invalid("input: missing (expected: a string or an array of strings)", "input");
        }
        return new EmbeddingRequest(model, input, encodingFormat, dimensions, user, extra);
    }

    private static JsonNode embeddingInput(JsonNode v) {
        if (v.isTextual()) {
            return v;
        }
        if (!v.isArray() || v.isEmpty()) {
            throw invalid("input: expected a string or a non-empty array", "input");
        }
        for (int i = 0; i < v.size(); i++) {
            JsonNode item = v.get(i);
            if (!item.isTextual() && !item.isIntegralNumber() && !item.isArray()) {
                throw invalid("input[" + i + "]: expected a string, a token or a token array", "input");
            }
        }
        return v;
    }

    private static List<Message> messages(JsonNode v) {
        return ObjectArrays.read(v, "messages", "an array", "message", ChatRequestParser::message);
    }

    private static Message message(ObjectNode v, String path) {
        String role = null;
        MessageContent content = null;
        boolean hasContent = false;
        String name = null;
        List<ToolCall> toolCalls = null;
        String toolCallId = null;
        Map<String, JsonNode> extra = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode f = field.getValue();
            String p = path + "." + field.getKey();
            switch (field.getKey()) {
                case "role" -> role = requiredString(f, p);
                case "content" -> {
                    hasContent = !f.isNull();
                    content = f.isNull() ? null : content(f, p);
                }
                case "name" -> name = f.isNull() ? null : requiredString(f, p);
                case "tool_calls" -> toolCalls = f.isNull() ? null : toolCalls(f, p);
                case "tool_call_id" -> toolCallId = f.isNull() ? null : requiredString(f, p);
                default -> extra.put(field.getKey(), f);
            }
        }
        if (role == null) {
            throw invalid(path + ".role: missing (expected: one of " + sorted(ROLES) + ")", path + ".role");
        }
        if (!ROLES.contains(role)) {
            throw invalid(path + ".role: '" + abbreviate(role) + "' (expected: one of " + sorted(ROLES) + ")",
                    path + ".role");
        }
        if (!hasContent && !"assistant".equals(role)) {
            throw invalid(path + ".content: missing (expected: a string or an array of content parts)",
                    path + ".content");
        }
        if ("tool".equals(role) && toolCallId == null) {
            throw invalid(path + ".tool_call_id: missing (expected: the id of the tool call answered)",
                    path + ".tool_call_id");
        }
        return new Message(role, content, name, toolCalls, toolCallId, extra);
    }

    private static MessageContent content(JsonNode v, String path) {
        if (v.isTextual()) {
            return new MessageContent.Text(v.textValue());
        }
        if (!v.isArray()) {
            throw invalid(path + ": expected a string or an array of content parts, got " + kind(v), path);
        }
        List<ContentPart> parts = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) {
            String p = path + "[" + i + "]";
            JsonNode part = v.get(i);
            if (!part.isObject()) {
                throw invalid(p + ": expected an object, got " + kind(part), p);
            }
            String type = requiredString(part.get("type"), p + ".type");
            try {
                parts.add(STRICT.treeToValue(part, ContentPart.class));
            } catch (JsonProcessingException e) {
                throw invalid(p + ": malformed " + abbreviate(type) + " part: " + e.getOriginalMessage(), p);
            }
            if ("text".equals(type) && (part.get("text") == null || !part.get("text").isTextual())) {
                throw invalid(p + ".text: expected a string", p + ".text");
            }
            if ("image_url".equals(type) && (part.path("image_url").path("url").isMissingNode()
                    || !part.path("image_url").path("url").isTextual())) {
                throw invalid(p + ".image_url.url: expected a string", p + ".image_url.url");
            }
        }
        return new MessageContent.Parts(parts);
    }

    private static List<ToolCall> toolCalls(JsonNode v, String path) {
        if (!v.isArray()) {
            throw invalid(path + ": expected an array, got " + kind(v), path);
        }
        List<ToolCall> out = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) {
            String p = path + "[" + i + "]";
            JsonNode call = v.get(i);
            if (!call.isObject()) {
                throw invalid(p + ": expected an object, got " + kind(call), p);
            }
            JsonNode fn = call.get("function");
            if (fn == null || !fn.isObject()) {
                throw invalid(p + ".function: expected an object with name and arguments", p + ".function");
            }
            out.add(new ToolCall(null, requiredString(call.get("id"), p + ".id"),
                    call.has("type") ? requiredString(call.get("type"), p + ".type") : "function",
                    new ToolCall.FunctionCall(requiredString(fn.get("name"), p + ".function.name"),
                            requiredString(fn.get("arguments"), p + ".function.arguments"))));
        }
        return out;
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
            String type = requiredString(tool.get("type"), p + ".type");
            if ("function".equals(type)) {
                JsonNode fn = tool.get("function");
                if (fn == null || !fn.isObject()) {
                    throw invalid(p + ".function: expected an object with a name", p + ".function");
                }
                requiredString(fn.get("name"), p + ".function.name");
                JsonNode params = fn.get("parameters");
                if (params != null && !params.isObject() && !params.isNull()) {
                    throw invalid(p + ".function.parameters: expected a JSON Schema object", p + ".function.parameters");
                }
            }
            try {
                out.add(STRICT.treeToValue(tool, Tool.class));
            } catch (JsonProcessingException e) {
                throw invalid(p + ": malformed tool: " + e.getOriginalMessage(), p);
            }
        }
        return out;
    }

    private static JsonNode toolChoice(JsonNode v) {
        if (v.isNull() || v.isTextual() || v.isObject()) {
            return v.isNull() ? null : v;
        }
        throw invalid("tool_choice: expected \"none\", \"auto\", \"required\" or an object, got " + kind(v),
                "tool_choice");
    }

    private static ResponseFormat responseFormat(JsonNode v) {
        if (!v.isObject()) {
            throw invalid("response_format: expected an object, got " + kind(v), "response_format");
        }
        String type = requiredString(v.get("type"), "response_format.type");
        if (!RESPONSE_FORMATS.contains(type)) {
            throw invalid("response_format.type: '" + abbreviate(type) + "' (expected: one of "
                    + sorted(RESPONSE_FORMATS) + ")", "response_format.type");
        }
        JsonNode schema = v.get("json_schema");
        if ("json_schema".equals(type) && (schema == null || !schema.isObject())) {
            throw invalid("response_format.json_schema: expected an object", "response_format.json_schema");
        }
        return new ResponseFormat(type, schema);
    }

    private static StreamOptions streamOptions(JsonNode v) {
        if (!v.isObject()) {
            throw invalid("stream_options: expected an object, got " + kind(v), "stream_options");
        }
        Map<String, JsonNode> extra = new LinkedHashMap<>();
        Boolean includeUsage = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (f.getKey().equals("include_usage")) {
                includeUsage = optionalBoolean(f.getValue(), "stream_options.include_usage");
            } else {
                extra.put(f.getKey(), f.getValue());
            }
        }
        return new StreamOptions(includeUsage, extra);
    }

    private static List<String> stop(JsonNode v) {
        if (v.isNull()) {
            return null;
        }
        if (v.isTextual()) {
            return List.of(v.textValue());
        }
        if (!v.isArray() || v.size() > 4) {
            throw invalid("stop: expected a string or an array of up to 4 strings", "stop");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            out.add(requiredString(v.get(i), "stop[" + i + "]"));
        }
        return out;
    }

    private static String requiredString(JsonNode v, String path) {
        if (v == null || v.isMissingNode()) {
            throw invalid(path + ": missing (expected: a string)", path);
        }
        if (!v.isTextual()) {
            throw invalid(path + ": expected a string, got " + kind(v), path);
        }
        return v.textValue();
    }

    private static Boolean optionalBoolean(JsonNode v, String path) {
        if (v.isNull()) {
            return null;
        }
        if (!v.isBoolean()) {
            throw invalid(path + ": expected a boolean, got " + kind(v), path);
        }
        return v.booleanValue();
    }

    private static Double optionalNumber(JsonNode v, String path, double min, double max) {
        if (v.isNull()) {
            return null;
        }
        if (!v.isNumber()) {
            throw invalid(path + ": expected a number, got " + kind(v), path);
        }
        double d = v.doubleValue();
        if (!(d >= min && d <= max)) {
            throw invalid(path + ": " + v.asText() + " (expected: between " + fmt(min) + " and " + fmt(max) + ")", path);
        }
        return d;
    }

    private static Integer optionalInt(JsonNode v, String path, int min, int max) {
        if (v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() && !(v.isNumber() && v.doubleValue() == Math.rint(v.doubleValue()))) {
            throw invalid(path + ": expected an integer, got " + kind(v), path);
        }
        if (!v.canConvertToLong() || v.longValue() < min || v.longValue() > max) {
            throw invalid(path + ": " + abbreviate(v.asText()) + " (expected: " + (max == Integer.MAX_VALUE
                    ? ">= " + min : "between " + min + " and " + max) + ")", path);
        }
        return (int) v.longValue();
    }

    private static Long optionalLong(JsonNode v, String path) {
        if (v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw invalid(path + ": expected a 64-bit integer, got " + abbreviate(v.toString()), path);
        }
        return v.longValue();
    }

    /** What a JSON value is, for messages: "a string", "an array", "nothing", ... */
    public static String kind(JsonNode v) {
        if (v == null || v.isMissingNode()) {
            return "nothing";
        }
        return switch (v.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case ARRAY -> "an array";
            case OBJECT, POJO -> "an object";
            case NULL -> "null";
            default -> v.getNodeType().name().toLowerCase();
        };
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    private static String sorted(Set<String> values) {
        return String.join(", ", new java.util.TreeSet<>(values));
    }

    /** {@code s} cut to 64 characters, for echoing client text in a message. */
    public static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 61) + "...";
    }

    private static String locationOf(JsonProcessingException e) {
        return e.getLocation() == null ? ""
                : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
    }

    private static InvalidRequestError invalid(String message, String param) {
        return new InvalidRequestError(message, "invalid_request", param);
    }

}
