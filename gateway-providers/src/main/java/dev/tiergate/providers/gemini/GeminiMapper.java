package dev.tiergate.providers.gemini;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.core.error.InvalidRequestError;
import dev.tiergate.providers.internal.ExtraParams;
import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.ContentPart;
import dev.tiergate.core.model.EmbeddingRequest;
import dev.tiergate.core.model.EmbeddingResponse;
import dev.tiergate.core.model.Message;
import dev.tiergate.core.model.MessageContent;
import dev.tiergate.core.model.Tool;
import dev.tiergate.core.model.ToolCall;
import dev.tiergate.core.model.Usage;
import dev.tiergate.providers.gemini.GeminiWire.BatchEmbedRequest;
import dev.tiergate.providers.gemini.GeminiWire.BatchEmbedResponse;
import dev.tiergate.providers.gemini.GeminiWire.Candidate;
import dev.tiergate.providers.gemini.GeminiWire.Content;
import dev.tiergate.providers.gemini.GeminiWire.EmbedRequest;
import dev.tiergate.providers.gemini.GeminiWire.FunctionCall;
import dev.tiergate.providers.gemini.GeminiWire.FunctionCallingConfig;
import dev.tiergate.providers.gemini.GeminiWire.FunctionDeclaration;
import dev.tiergate.providers.gemini.GeminiWire.GenerateContentRequest;
import dev.tiergate.providers.gemini.GeminiWire.GenerateContentResponse;
import dev.tiergate.providers.gemini.GeminiWire.GenerationConfig;
import dev.tiergate.providers.gemini.GeminiWire.Part;
import dev.tiergate.providers.gemini.GeminiWire.ToolConfig;
import dev.tiergate.providers.gemini.GeminiWire.UsageMetadata;
import dev.tiergate.providers.gemini.GeminiWire.WireTool;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Pure translation between OpenAI-shaped records and the Gemini API.
 *
 * <p>Requests: system and developer messages become {@code systemInstruction}; assistant is
 * {@code model}; consecutive turns of one role are merged; tool messages become
 * {@code functionResponse} parts of a user turn, named after the assistant tool call they answer;
 * images are {@code inlineData} (data URLs) or {@code fileData} (other URLs). Sampling settings,
 * {@code n}, {@code seed}, penalties and {@code response_format} go to {@code generationConfig};
 * JSON Schemas lose the keywords Gemini's schema subset rejects ({@code $schema},
 * {@code additionalProperties}). OpenAI parameters Gemini cannot honour (logprobs, logit_bias,
 * audio, ...) are rejected naming the parameter; {@code store}, {@code metadata},
 * {@code service_tier} and {@code parallel_tool_calls} are dropped; any other extra field (e.g.
 * {@code safetySettings}, {@code cachedContent}) is passed through untouched.
 *
 * <p>Answers: candidates become choices; {@code functionCall} parts become tool calls with the
 * call's {@code id}, or a generated one, carrying the part's {@code thoughtSignature} (Gemini 3),
 * which goes back on the function call part of the next request ({@link ThoughtSignatureIds});
 * thought parts are left out.
 */
final class GeminiMapper {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Dropped from the pass-through: no Gemini meaning, or mapped into generationConfig (the penalties). */
    private static final Set<String> DROPPED = Set.of("store", "metadata", "service_tier", "parallel_tool_calls",
            "presence_penalty", "frequency_penalty");
    private static final Set<String> UNSUPPORTED = Set.of("logprobs", "top_logprobs", "logit_bias", "audio",
            "modalities", "prediction", "functions", "function_call", "web_search_options", "reasoning_effort");
    private static final Set<String> SCHEMA_KEYWORDS_REJECTED = Set.of("$schema", "additionalProperties");
    private static final Set<String> FILTERED = Set.of("SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT",
            "SPII", "IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION");

    private final Supplier<String> ids;

    /** {@code ids} names tool calls Gemini sent without an id, and answers without a responseId. */
    GeminiMapper(Supplier<String> ids) {
        this.ids = requireNonNull(ids, "ids");
    }

    String newId() {
        return ids.get();
    }

    // ---------------------------------------------------------------- request

    GenerateContentRequest toRequest(ChatRequest request) {
        requireNonNull(request, "request");
        Map<String, JsonNode> extra = ExtraParams.passThrough(request.extra(), DROPPED, UNSUPPORTED, "Gemini");
        List<Part> system = new ArrayList<>();
        List<Content> contents = contents(request.messages(), system);
        GenerationConfig generation = generationConfig(request);
        return new GenerateContentRequest(
                contents,
                system.isEmpty() ? null : new Content(null, system),
                tools(request.tools()),
                toolConfig(request.toolChoice()),
                generation.isEmpty() ? null : generation,
                extra);
    }

    private static GenerationConfig generationConfig(ChatRequest request) {
        Integer maxTokens = request.maxCompletionTokens() != null ? request.maxCompletionTokens() : request.maxTokens();
        String mimeType = null;
        JsonNode schema = null;
        if (request.responseFormat() != null && !"text".equals(request.responseFormat().type())) {
            mimeType = "application/json";
            JsonNode jsonSchema = request.responseFormat().jsonSchema();
            if (jsonSchema != null && jsonSchema.has("schema")) {
                schema = cleanSchema(jsonSchema.get("schema"));
            }
        }
        return new GenerationConfig(
                request.temperature(),
                request.topP(),
                maxTokens,
                request.stop() == null || request.stop().isEmpty() ? null : request.stop(),
                request.n() == null || request.n() == 1 ? null : request.n(),
                request.seed(),
                penalty(request, "presence_penalty"),
                penalty(request, "frequency_penalty"),
                mimeType,
                schema);
    }

    private static Double penalty(ChatRequest request, String name) {
        JsonNode v = request.extra().get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber() || v.doubleValue() < -2 || v.doubleValue() > 2) {
            throw new InvalidRequestError(name + ": " + v + " (expected: a number between -2 and 2)", "invalid_value", name);
        }
        return v.doubleValue() == 0 ? null : v.doubleValue();
    }

    /** A copy of a JSON Schema without the keywords Gemini's OpenAPI subset rejects. */
    static JsonNode cleanSchema(JsonNode schema) {
        if (schema.isObject()) {
            ObjectNode out = NODES.objectNode();
            schema.properties().forEach(e -> {
                if ("properties".equals(e.getKey()) && e.getValue().isObject()) {
                    ObjectNode properties = out.putObject("properties");
                    e.getValue().properties().forEach(p -> properties.set(p.getKey(), cleanSchema(p.getValue())));
                } else if (!SCHEMA_KEYWORDS_REJECTED.contains(e.getKey())) {
                    out.set(e.getKey(), cleanSchema(e.getValue()));
                }
            });
            return out;
        }
        if (schema.isArray()) {
            var out = NODES.arrayNode(schema.size());
            schema.forEach(item -> out.add(cleanSchema(item)));
            return out;
        }
        return schema;
    }

    private static List<Content> contents(List<Message> in, List<Part> system) {
        List<Content> out = new ArrayList<>();
        Map<String, String> toolNames = new HashMap<>();
        for (int i = 0; i < in.size(); i++) {
            Message m = in.get(i);
            String path = "messages[" + i + "]";
            switch (m.role()) {
                case "system", "developer" -> system.addAll(parts(m.content(), path + ".content", true));
                case "user" -> append(out, "user", parts(m.content(), path + ".content", false));
                case "assistant" -> {
                    List<Part> parts = new ArrayList<>(parts(m.content(), path + ".content", false));
                    parts.addAll(functionCalls(m.toolCalls(), path + ".tool_calls", toolNames));
                    append(out, "model", parts);
                }
                case "tool" -> {
                    String name = toolNames.get(m.toolCallId());
                    if (name == null) {
                        throw new InvalidRequestError(path + ".tool_call_id: '" + m.toolCallId()
                                + "' (expected: the id of a tool call in an earlier assistant message)",
                                "invalid_value", path + ".tool_call_id");
                    }
                    append(out, "user", List.of(Part.response(name, functionResponse(m.content()))));
                }
                default -> throw ExtraParams.unsupported(path + ".role: '" + m.role()
                        + "' is not supported by Gemini (expected: system, developer, user, assistant or tool)",
                        path + ".role");
            }
        }
        return out;
    }

    private static void append(List<Content> out, String role, List<Part> parts) {
        if (parts.isEmpty()) {
            return;
        }
        if (!out.isEmpty() && out.getLast().role().equals(role)) {
            List<Part> merged = new ArrayList<>(out.getLast().parts());
            merged.addAll(parts);
            out.set(out.size() - 1, new Content(role, merged));
        } else {
            out.add(new Content(role, List.copyOf(parts)));
        }
    }

    private static List<Part> parts(MessageContent content, String path, boolean textOnly) {
        return switch (content) {
            case null -> List.of();
            case MessageContent.Text t -> t.text().isEmpty() ? List.of() : List.of(Part.text(t.text()));
            case MessageContent.Parts p -> {
                List<Part> out = new ArrayList<>(p.parts().size());
                for (int j = 0; j < p.parts().size(); j++) {
                    ContentPart part = p.parts().get(j);
                    String partPath = path + "[" + j + "]";
                    if ("text".equals(part.type())) {
                        if (part.text() != null && !part.text().isEmpty()) {
                            out.add(Part.text(part.text()));
                        }
                    } else if ("image_url".equals(part.type()) && !textOnly) {
                        out.add(image(part.imageUrl() == null ? null : part.imageUrl().url(), partPath + ".image_url.url"));
                    } else {
                        throw ExtraParams.unsupported(partPath + ".type: '" + part.type() + "' is not supported by Gemini here"
                                + (textOnly ? " (expected: text)" : " (expected: text or image_url)"), partPath + ".type");
                    }
                }
                yield out;
            }
        };
    }

    /** A base64 data URL becomes inline data; any other URL (gs://, Files API, https) file data. */
    private static Part image(String url, String path) {
        if (url != null && url.startsWith("data:")) {
            int comma = url.indexOf(',');
            String header = comma < 0 ? "" : url.substring(5, comma);
            if (!header.endsWith(";base64") || header.length() == ";base64".length()) {
                throw new InvalidRequestError(path + ": a data URL must be data:<media type>;base64,<data>",
                        "invalid_value", path);
            }
            return Part.inline(header.substring(0, header.length() - ";base64".length()), url.substring(comma + 1));
        }
        if (url == null || !url.contains("://")) {
            throw new InvalidRequestError(path + ": expected a URL or a base64 data URL", "invalid_value", path);
        }
        return Part.file(mimeTypeOf(url), url);
    }

    private static String mimeTypeOf(String url) {
        String path = url.replaceAll("[?#].*$", "").toLowerCase(Locale.ROOT);
        if (path.endsWith(".png")) {
            return "image/png";
        }
        if (path.endsWith(".jpg") || path.endsWith(".jpeg")) {
            return "image/jpeg";
        }
        if (path.endsWith(".webp")) {
            return "image/webp";
        }
        if (path.endsWith(".gif")) {
            return "image/gif";
        }
        return null;
    }

    private static List<Part> functionCalls(List<ToolCall> calls, String path, Map<String, String> toolNames) {
        if (calls == null) {
            return List.of();
        }
        List<Part> out = new ArrayList<>(calls.size());
        for (int j = 0; j < calls.size(); j++) {
            ToolCall call = calls.get(j);
            toolNames.put(call.id(), call.function().name());
            out.add(Part.call(call.function().name(),
                    arguments(call.function().arguments(), path + "[" + j + "].function.arguments"),
                    ThoughtSignatureIds.decode(call.id()).thoughtSignature()));
        }
        return out;
    }

    private static ObjectNode arguments(String json, String path) {
        if (json == null || json.isBlank()) {
            return NODES.objectNode();
        }
        try {
            if (GeminiWire.mapper().readTree(json) instanceof ObjectNode object) {
                return object;
            }
        } catch (JsonProcessingException e) {
            // reported below
        }
        throw new InvalidRequestError(path + ": expected a JSON object encoded as a string", "invalid_value", path);
    }

    /** A JSON object result as it is; anything else as {@code {"content": text}}. */
    private static JsonNode functionResponse(MessageContent content) {
        String text = content == null ? "" : content.text();
        try {
            if (!text.isBlank() && GeminiWire.mapper().readTree(text) instanceof ObjectNode object) {
                return object;
            }
        } catch (JsonProcessingException e) {
            // plain text
        }
        return NODES.objectNode().put("content", text);
    }

    private static List<WireTool> tools(List<Tool> tools) {
        if (tools == null || tools.isEmpty()) {
            return null;
        }
        List<FunctionDeclaration> declarations = new ArrayList<>(tools.size());
        for (int i = 0; i < tools.size(); i++) {
            Tool tool = tools.get(i);
            if (!"function".equals(tool.type()) || tool.function() == null) {
                throw ExtraParams.unsupported("tools[" + i + "].type: '" + tool.type()
                        + "' is not supported by Gemini (expected: function)", "tools[" + i + "].type");
            }
            JsonNode parameters = tool.function().parameters();
            declarations.add(new FunctionDeclaration(tool.function().name(), tool.function().description(),
                    parameters == null || parameters.isNull() ? null : cleanSchema(parameters)));
        }
        return List.of(new WireTool(declarations));
    }

    private static ToolConfig toolConfig(JsonNode choice) {
        if (choice == null || choice.isNull()) {
            return null;
        }
        if (choice.isTextual()) {
            String mode = switch (choice.textValue()) {
                case "auto" -> "AUTO";
                case "none" -> "NONE";
                case "required" -> "ANY";
                default -> throw new InvalidRequestError("tool_choice: '" + choice.textValue()
                        + "' (expected: none, auto, required or a function)", "invalid_value", "tool_choice");
            };
            return new ToolConfig(new FunctionCallingConfig(mode, null));
        }
        String name = choice.path("function").path("name").asText("");
        if (!"function".equals(choice.path("type").asText()) || name.isEmpty()) {
            throw new InvalidRequestError("tool_choice: expected {\"type\":\"function\",\"function\":{\"name\":...}}",
                    "invalid_value", "tool_choice");
        }
        return new ToolConfig(new FunctionCallingConfig("ANY", List.of(name)));
    }

    // ---------------------------------------------------------------- response

    ChatCompletion toCompletion(GenerateContentResponse response, String requestedModel, long created) {
        List<ChatCompletion.Choice> choices = new ArrayList<>();
        List<Candidate> candidates = response.candidates() == null ? List.of() : response.candidates();
        for (int i = 0; i < candidates.size(); i++) {
            Candidate candidate = candidates.get(i);
            StringBuilder text = new StringBuilder();
            List<ToolCall> toolCalls = new ArrayList<>();
            for (Part part : partsOf(candidate)) {
                if (part.functionCall() != null) {
                    toolCalls.add(toolCall(part));
                } else if (part.text() != null && !Boolean.TRUE.equals(part.thought())) {
                    text.append(part.text());
                }
            }
            MessageContent content = text.isEmpty() && !toolCalls.isEmpty() ? null : MessageContent.of(text.toString());
            Message message = new Message("assistant", content, null, toolCalls.isEmpty() ? null : toolCalls, null,
                    Map.of());
            int index = candidate.index() != null ? candidate.index() : i;
            choices.add(new ChatCompletion.Choice(index, message,
                    finishReason(candidate.finishReason(), !toolCalls.isEmpty()), Map.of()));
        }
        if (choices.isEmpty() && response.promptFeedback() != null && response.promptFeedback().blockReason() != null) {
            choices.add(new ChatCompletion.Choice(0, Message.assistant(""), "content_filter", Map.of()));
        }
        return new ChatCompletion(response.responseId() != null ? response.responseId() : "chatcmpl-" + newId(),
                ChatCompletion.OBJECT, created, response.modelVersion() != null ? response.modelVersion() : requestedModel,
                choices, usage(response.usageMetadata()), null, Map.of());
    }

    static List<Part> partsOf(Candidate candidate) {
        return candidate.content() == null || candidate.content().parts() == null ? List.of() : candidate.content().parts();
    }

    /**
     * A function call part as an OpenAI tool call: the call's {@code id} or a generated one, with
     * the part's thought signature appended ({@link ThoughtSignatureIds}).
     */
    ToolCall toolCall(Part part) {
        FunctionCall call = part.functionCall();
        String id = call.id() != null && !call.id().isEmpty() ? call.id() : "call_" + newId();
        String args = call.args() == null || call.args().isNull() ? "{}" : call.args().toString();
        return ToolCall.function(ThoughtSignatureIds.encode(id, part.thoughtSignature()), call.name(), args);
    }

    /** Gemini's finishReason as an OpenAI finish_reason; a normal stop after function calls is tool_calls. */
    static String finishReason(String reason, boolean calledFunctions) {
        if (reason == null || "FINISH_REASON_UNSPECIFIED".equals(reason)) {
            return null;
        }
        if ("MAX_TOKENS".equals(reason)) {
            return "length";
        }
        if (FILTERED.contains(reason)) {
            return "content_filter";
        }
        return calledFunctions ? "tool_calls" : "stop";
    }

    /** Thought tokens count as completion tokens (and reasoning tokens), cached content as cached tokens. */
    static Usage usage(UsageMetadata usage) {
        if (usage == null) {
            return null;
        }
        int prompt = orZero(usage.promptTokenCount());
        int thoughts = orZero(usage.thoughtsTokenCount());
        int completion = orZero(usage.candidatesTokenCount()) + thoughts;
        Map<String, JsonNode> details = new LinkedHashMap<>();
        details.put("prompt_tokens_details", NODES.objectNode().put("cached_tokens", orZero(usage.cachedContentTokenCount())));
        if (thoughts > 0) {
            details.put("completion_tokens_details", NODES.objectNode().put("reasoning_tokens", thoughts));
        }
        return new Usage(prompt, completion, prompt + completion, details);
    }

    private static int orZero(Integer n) {
        return n == null ? 0 : n;
    }

    // ---------------------------------------------------------------- embeddings

    static BatchEmbedRequest toEmbedRequest(EmbeddingRequest request, String model) {
        List<String> inputs = request.textInputs();
        if (inputs.isEmpty()) {
            throw new InvalidRequestError("input: token arrays are not supported by Gemini (expected: strings)",
                    "unsupported_parameter", "input");
        }
        if (request.encodingFormat() != null && !Set.of("float", "base64").contains(request.encodingFormat())) {
            throw new InvalidRequestError("encoding_format: '" + request.encodingFormat()
                    + "' (expected: float or base64)", "invalid_value", "encoding_format");
        }
        List<EmbedRequest> requests = inputs.stream()
                .map(text -> new EmbedRequest("models/" + model, new Content(null, List.of(Part.text(text))),
                        request.dimensions()))
                .toList();
        return new BatchEmbedRequest(requests);
    }

    /** Gemini reports no token counts for embeddings: usage is zero. */
    static EmbeddingResponse toEmbeddingResponse(BatchEmbedResponse response, EmbeddingRequest request) {
        boolean base64 = "base64".equals(request.encodingFormat());
        List<JsonNode> data = new ArrayList<>(response.embeddings().size());
        for (int i = 0; i < response.embeddings().size(); i++) {
            float[] values = response.embeddings().get(i).values();
            ObjectNode item = NODES.objectNode().put("object", "embedding").put("index", i);
            if (base64) {
                ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                for (float v : values) {
                    bytes.putFloat(v);
                }
                item.put("embedding", Base64.getEncoder().encodeToString(bytes.array()));
            } else {
                var array = item.putArray("embedding");
                for (float v : values) {
                    array.add(v);
                }
            }
            data.add(item);
        }
        return new EmbeddingResponse("list", data, request.model(), new Usage(0, null, 0, Map.of()), Map.of());
    }
}
