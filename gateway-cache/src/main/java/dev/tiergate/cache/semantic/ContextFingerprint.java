package dev.tiergate.cache.semantic;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.tiergate.cache.internal.CanonicalJson;
import dev.tiergate.core.json.Json;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.Message;
import dev.tiergate.core.pipeline.Exchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An exact hash of everything in a request except the text of its last user message: the model
 * (as requested, alias or not) and the tier a router resolved, the system prompt and earlier
 * turns, the last message's role and name, tools, tool_choice, response_format, every sampling
 * parameter and the fields we do not model. Two requests may share an answer only when this is
 * equal; the last message's text is then compared by meaning. {@code stream},
 * {@code stream_options} and {@code user} are left out, as the exact cache does.
 */
final class ContextFingerprint {
    private static final JsonFactory FACTORY = Json.mapper().getFactory();

    private ContextFingerprint() {
    }

    /** The canonical bytes' SHA-256; the request's last message must be the user message compared. */
    static byte[] of(Exchange exchange) {
        return CanonicalJson.sha256(canonicalBytes(exchange.chat()));
    }

    /**
     * The canonical form, written straight from the parsed request (fields in sorted order, plain
     * messages without a tree): the bytes of the tree {model, context (the messages before the last),
     * the last message's role, name and fields we do not model, and the answer parameters of
     * {@link CanonicalJson#putAnswerParameters}} written by {@link CanonicalJson#bytes}, so the
     * partitions of entries already stored do not change.
     */
    static byte[] canonicalBytes(ChatRequest request) {
        List<Message> messages = request.messages();
        Message last = messages.getLast();
        Map<String, Object> fields = new TreeMap<>();   // the root's fields but the context, sorted
        fields.put("model", request.model());
        fields.put("last_role", last.role());
        if (last.name() != null) {
            fields.put("last_name", last.name());
        }
        if (!last.extra().isEmpty()) {
            fields.put("last_extra", last.extra());
        }
        putIfSet(fields, "tools", request.tools());
        putIfSet(fields, "tool_choice", request.toolChoice());
        putIfSet(fields, "response_format", request.responseFormat());
        putIfSet(fields, "temperature", request.temperature());
        putIfSet(fields, "top_p", request.topP());
        putIfSet(fields, "max_tokens", request.maxTokens());
        putIfSet(fields, "max_completion_tokens", request.maxCompletionTokens());
        putIfSet(fields, "n", request.n());
        putIfSet(fields, "seed", request.seed());
        putIfSet(fields, "stop", request.stop());
        if (!request.extra().isEmpty()) {
            fields.put("extra", request.extra());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeFieldName("context");   // first: every other name sorts after it
            CanonicalJson.writeMessages(messages.subList(0, messages.size() - 1), g);
            for (Map.Entry<String, Object> field : fields.entrySet()) {
                g.writeFieldName(field.getKey());
                CanonicalJson.writeValue(field.getValue(), g);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void putIfSet(Map<String, Object> fields, String name, Object value) {
        if (value != null) {
            fields.put(name, value);
        }
    }

    /**
     * The store partition: the namespace (readable, for operators), then a hash of the namespace,
     * the embedding model, the LSH layout and the context fingerprint. Entries of other models or
     * layouts never meet.
     */
    static String partition(String namespace, String modelId, String layout, byte[] fingerprint) {
        byte[] head = (namespace + '\u0000' + modelId + '\u0000' + layout + '\u0000').getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[head.length + fingerprint.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(fingerprint, 0, all, head.length, fingerprint.length);
        String hash = HexFormat.of().formatHex(CanonicalJson.sha256(all), 0, 16);
        return safe(namespace) + ":" + hash;
    }

    private static String safe(String namespace) {
        StringBuilder sb = new StringBuilder(Math.min(namespace.length(), 64));
        for (int i = 0; i < namespace.length() && sb.length() < 64; i++) {
            char c = namespace.charAt(i);
            sb.append(Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.' ? c : '_');
        }
        return sb.toString();
    }
}
