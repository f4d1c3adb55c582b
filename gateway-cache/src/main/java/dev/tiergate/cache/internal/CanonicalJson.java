package dev.tiergate.cache.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.core.crypto.Sha256;
import dev.tiergate.core.json.Json;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.Message;
import dev.tiergate.core.model.MessageContent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A JSON tree written canonically: objects with sorted keys, no whitespace, numbers in their
 * shortest decimal form, so key order, whitespace and {@code 1} vs {@code 1.0} do not change the
 * bytes, and its SHA-256. Shared by the exact cache key and the semantic context fingerprint.
 */
public final class CanonicalJson {
    private static final ObjectMapper MAPPER = Json.mapper();

    private CanonicalJson() {
    }

    /**
     * Adds what besides the messages shapes an answer: tools, tool_choice, response_format, every
     * sampling parameter and the fields we do not model ({@code extra}). Not stream, stream_options
     * or user.
     */
    public static void putAnswerParameters(ObjectNode root, ChatRequest request) {
        putIfPresent(root, "tools", request.tools());
        if (request.toolChoice() != null) {
            root.set("tool_choice", request.toolChoice());
        }
        putIfPresent(root, "response_format", request.responseFormat());
        putIfPresent(root, "temperature", request.temperature());
        putIfPresent(root, "top_p", request.topP());
        putIfPresent(root, "max_tokens", request.maxTokens());
        putIfPresent(root, "max_completion_tokens", request.maxCompletionTokens());
        putIfPresent(root, "n", request.n());
        putIfPresent(root, "seed", request.seed());
        putIfPresent(root, "stop", request.stop());
        if (!request.extra().isEmpty()) {
            ObjectNode extra = root.putObject("extra");
            request.extra().forEach(extra::set);
        }
    }

    private static void putIfPresent(ObjectNode root, String field, Object value) {
        if (value != null) {
            root.set(field, MAPPER.valueToTree(value));
        }
    }

    public static byte[] bytes(JsonNode node) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator gen = MAPPER.getFactory().createGenerator(out)) {
            write(node, gen);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static byte[] sha256(byte[] bytes) {
        return Sha256.of(bytes);
    }

    /**
     * Writes {@code value} as {@link #write(JsonNode, JsonGenerator)} writes its tree, without the
     * tree for strings, whole numbers, doubles and JSON nodes; null as JSON null.
     */
    public static void writeValue(Object value, JsonGenerator gen) throws IOException {
        switch (value) {
            case null -> gen.writeNull();
            case String text -> gen.writeString(text);
            case Integer number -> gen.writeNumber(number.toString());
            case Long number -> gen.writeNumber(number.toString());
            case Double number when Double.isFinite(number) -> gen.writeNumber(canonicalDecimal(BigDecimal.valueOf(number)));
            case JsonNode node -> write(node, gen);
            default -> write(MAPPER.valueToTree(value), gen);
        }
    }

    /**
     * Writes messages canonically: a plain message (text or no content, no tool calls, no fields we
     * do not model; what most requests hold) straight from its record, any other through its tree;
     * the same bytes either way.
     */
    public static void writeMessages(List<Message> messages, JsonGenerator gen) throws IOException {
        gen.writeStartArray();
        for (Message message : messages) {
            if (message.toolCalls() == null && message.extra().isEmpty()
                    && (message.content() == null || message.content() instanceof MessageContent.Text)) {
                gen.writeStartObject();             // the fields of Message's JSON, sorted
                gen.writeFieldName("content");
                if (message.content() == null) {
                    gen.writeNull();
                } else {
                    gen.writeString(message.content().text());
                }
                writeIfSet(gen, "name", message.name());
                writeIfSet(gen, "role", message.role());
                writeIfSet(gen, "tool_call_id", message.toolCallId());
                gen.writeEndObject();
            } else {
                write(MAPPER.valueToTree(message), gen);
            }
        }
        gen.writeEndArray();
    }

    /** Writes the field {@code name} with {@link #writeValue}, unless {@code value} is null. */
    public static void writeIfSet(JsonGenerator gen, String name, Object value) throws IOException {
        if (value != null) {
            gen.writeFieldName(name);
            writeValue(value, gen);
        }
    }

    /** Writes {@code node} canonically. */
    public static void write(JsonNode node, JsonGenerator gen) throws IOException {
        switch (node.getNodeType()) {
            case OBJECT -> {
                List<String> names = new ArrayList<>(node.size());
                node.fieldNames().forEachRemaining(names::add);
                Collections.sort(names);
                gen.writeStartObject();
                for (String name : names) {
                    gen.writeFieldName(name);
                    write(node.get(name), gen);
                }
                gen.writeEndObject();
            }
            case ARRAY -> {
                gen.writeStartArray();
                for (JsonNode element : node) {
                    write(element, gen);
                }
                gen.writeEndArray();
            }
            case NUMBER -> gen.writeNumber(canonicalNumber(node));
            case STRING -> gen.writeString(node.textValue());
            case BOOLEAN -> gen.writeBoolean(node.booleanValue());
            case NULL, MISSING -> gen.writeNull();
            case BINARY, POJO -> gen.writeString(node.asText());
        }
    }

    private static String canonicalNumber(JsonNode node) {
        if (node.isIntegralNumber()) {
            return node.bigIntegerValue().toString();
        }
        if (node.isDouble() || node.isFloat()) {
            double d = node.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                return Double.toString(d);
            }
        }
        return canonicalDecimal(node.decimalValue());
    }

    private static String canonicalDecimal(BigDecimal decimal) {
        BigDecimal value = decimal.stripTrailingZeros();
        return value.signum() == 0 ? "0" : value.toPlainString();
    }
}
