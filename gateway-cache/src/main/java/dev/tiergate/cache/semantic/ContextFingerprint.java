package dev.tiergate.cache.semantic;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.cache.internal.CanonicalJson;
import dev.tiergate.core.json.Json;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.Message;
import dev.tiergate.core.pipeline.Exchange;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

/**
 * An exact hash of everything in a request except the text of its last user message: the model
 * (as requested, alias or not) and the tier a router resolved, the system prompt and earlier
 * turns, the last message's role and name, tools, tool_choice, response_format, every sampling
 * parameter and the fields we do not model. Two requests may share an answer only when this is
 * equal; the last message's text is then compared by meaning. {@code stream},
 * {@code stream_options} and {@code user} are left out, as the exact cache does.
 */
final class ContextFingerprint {
    private static final ObjectMapper MAPPER = Json.mapper();

    private ContextFingerprint() {
    }

    /** The canonical bytes' SHA-256; the request's last message must be the user message compared. */
    static byte[] of(Exchange exchange) {
        ChatRequest request = exchange.chat();
        List<Message> messages = request.messages();
        Message last = messages.getLast();
        ObjectNode root = MAPPER.createObjectNode();
        root.put("model", request.model());
        root.set("context", MAPPER.valueToTree(messages.subList(0, messages.size() - 1)));
        root.put("last_role", last.role());
        if (last.name() != null) {
            root.put("last_name", last.name());
        }
        if (!last.extra().isEmpty()) {
            root.set("last_extra", MAPPER.valueToTree(last.extra()));
        }
        CanonicalJson.putAnswerParameters(root, request);
        return CanonicalJson.sha256(CanonicalJson.bytes(root));
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
