package dev.tiergate.server.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.core.crypto.Sealer;
import dev.tiergate.core.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.crypto.SecretKey;

/**
 * The bytes a stored response is kept as outside the process: its JSON (response, input items,
 * conversation) behind a format byte, {@code 0} in clear or {@code 1} sealed with AES-GCM by a
 * {@link Sealer} (a random 96-bit nonce first) whose associated data is the place it is stored under
 * (team and id), so that sealed bytes moved to another team's key do not open.
 */
final class StoredResponseCodec {
    private static final byte CLEAR = 0;
    /** The format byte of sealed stored responses: what {@link #sealer} marks them with. */
    static final byte SEALED = 1;

    private StoredResponseCodec() {
    }

    /** The sealer of stored responses under {@code key} (used as it is: an AES key of 16, 24 or 32 bytes). */
    static Sealer sealer(SecretKey key) {
        return Sealer.of(key, SEALED);
    }

    static byte[] encode(StoredResponse stored, String place, Sealer sealer) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("team_id", stored.teamId());
        root.set("response", stored.response());
        root.putArray("input_items").addAll(stored.inputItems());
        root.putArray("conversation").addAll(stored.conversation());
        byte[] json;
        try {
            json = Json.mapper().writeValueAsBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (sealer == null) {
            byte[] out = new byte[json.length + 1];
            System.arraycopy(json, 0, out, 1, json.length);
            return out;
        }
        return sealer.seal(json, place);
    }

    /** The stored response; an exception when the bytes are not what {@code sealer} expects (null: in clear) or do not open. */
    static StoredResponse decode(byte[] bytes, String place, Sealer sealer) {
        if (bytes.length < 2 || (bytes[0] != CLEAR && bytes[0] != SEALED)) {
            throw new IllegalArgumentException("stored response: not in a known format");
        }
        if ((bytes[0] == SEALED) != (sealer != null)) {
            throw new IllegalArgumentException(sealer == null ? "stored response is sealed, and no key is configured"
                    : "stored response is in clear, but a key is configured");
        }
        byte[] json = bytes[0] == CLEAR ? Arrays.copyOfRange(bytes, 1, bytes.length) : sealer.open(bytes, place);
        try {
            JsonNode root = Json.mapper().readTree(json);
            return StoredResponse.of(root.get("team_id").textValue(), (ObjectNode) root.get("response"),
                    items(root.get("input_items")), items(root.get("conversation")));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("stored response is not what was stored: " + e.getMessage(), e);
        }
    }

    private static List<ObjectNode> items(JsonNode array) {
        List<ObjectNode> items = new ArrayList<>(array.size());
        array.forEach(item -> items.add((ObjectNode) item));
        return items;
    }
}
