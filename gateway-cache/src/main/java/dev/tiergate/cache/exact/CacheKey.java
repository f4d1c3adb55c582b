package dev.tiergate.cache.exact;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.core.json.Json;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.pipeline.Attributes;
import dev.tiergate.core.pipeline.ChatExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;

/**
 * The SHA-256 of a request's canonical form: namespace, requested model, tier, messages, tools,
 * tool_choice, response_format, every sampling parameter, and the fields we do not model. Objects
 * are written with sorted keys, without whitespace, and numbers in their shortest decimal form, so
 * key order, whitespace and {@code 1} vs {@code 1.0} do not matter. {@code stream},
 * {@code stream_options} and {@code user} are left out: they do not change the answer, and stream
 * and plain requests share one entry.
 */
record CacheKey(long h0, long h1, long h2, long h3) {

    private static final ObjectMapper MAPPER = Json.mapper();

    static CacheKey of(String namespace, ChatExchange exchange) {
        ChatRequest request = exchange.request();
        ObjectNode root = MAPPER.createObjectNode();
        root.put("namespace", namespace);
        root.put("model", request.model());
        String tier = exchange.attribute(Attributes.TIER);
        if (tier != null) {
            root.put("tier", tier);
        }
        root.set("messages", MAPPER.valueToTree(request.messages()));
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
        return ofBytes(canonicalBytes(root));
    }

    static byte[] canonicalBytes(JsonNode node) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator gen = MAPPER.getFactory().createGenerator(out)) {
            writeCanonical(node, gen);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void putIfPresent(ObjectNode root, String field, Object value) {
        if (value != null) {
            root.set(field, MAPPER.valueToTree(value));
        }
    }

    private static void writeCanonical(JsonNode node, JsonGenerator gen) throws IOException {
        switch (node.getNodeType()) {
            case OBJECT -> {
                List<String> names = new ArrayList<>(node.size());
                node.fieldNames().forEachRemaining(names::add);
                Collections.sort(names);
                gen.writeStartObject();
                for (String name : names) {
                    gen.writeFieldName(name);
                    writeCanonical(node.get(name), gen);
                }
                gen.writeEndObject();
            }
            case ARRAY -> {
                gen.writeStartArray();
                for (JsonNode element : node) {
                    writeCanonical(element, gen);
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
        BigDecimal value = node.decimalValue().stripTrailingZeros();
        return value.signum() == 0 ? "0" : value.toPlainString();
    }

    private static CacheKey ofBytes(byte[] canonical) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
        ByteBuffer hash = ByteBuffer.wrap(digest.digest(canonical));
        return new CacheKey(hash.getLong(), hash.getLong(), hash.getLong(), hash.getLong());
    }

    @Override
    public String toString() {
        HexFormat hex = HexFormat.of();
        return hex.toHexDigits(h0) + hex.toHexDigits(h1) + hex.toHexDigits(h2) + hex.toHexDigits(h3);
    }
}
