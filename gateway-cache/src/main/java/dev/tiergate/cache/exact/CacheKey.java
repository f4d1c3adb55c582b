package dev.tiergate.cache.exact;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.cache.internal.CanonicalJson;
import dev.tiergate.core.json.Json;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.pipeline.Exchange;
import java.nio.ByteBuffer;
import java.util.HexFormat;

/**
 * The SHA-256 of a request's canonical form: namespace, requested model, tier, messages, tools,
 * tool_choice, response_format, every sampling parameter, and the fields we do not model. Objects
 * are written with sorted keys, without whitespace, and numbers in their shortest decimal form, so
 * key order, whitespace and {@code 1} vs {@code 1.0} do not matter. {@code stream},
 * {@code stream_options} and {@code user} are left out: they do not change the answer, and stream
 * and plain requests share one entry. The namespace is kept beside the hash too, so an admin can
 * list and invalidate one namespace's entries.
 */
record CacheKey(String namespace, long h0, long h1, long h2, long h3) {

    private static final ObjectMapper MAPPER = Json.mapper();

    static CacheKey of(String namespace, Exchange exchange) {
        ChatRequest request = exchange.chat();
        ObjectNode root = MAPPER.createObjectNode();
        root.put("namespace", namespace);
        root.put("model", request.model());
        root.set("messages", MAPPER.valueToTree(request.messages()));
        CanonicalJson.putAnswerParameters(root, request);
        return ofBytes(namespace, canonicalBytes(root));
    }

    static byte[] canonicalBytes(JsonNode node) {
        return CanonicalJson.bytes(node);
    }

    private static CacheKey ofBytes(String namespace, byte[] canonical) {
        ByteBuffer hash = ByteBuffer.wrap(CanonicalJson.sha256(canonical));
        return new CacheKey(namespace, hash.getLong(), hash.getLong(), hash.getLong(), hash.getLong());
    }

    @Override
    public String toString() {
        HexFormat hex = HexFormat.of();
        return hex.toHexDigits(h0) + hex.toHexDigits(h1) + hex.toHexDigits(h2) + hex.toHexDigits(h3);
    }
}
