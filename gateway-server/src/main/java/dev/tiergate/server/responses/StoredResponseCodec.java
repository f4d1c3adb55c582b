package dev.tiergate.server.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.core.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * The bytes a stored response is kept as outside the process: its JSON (response, input items,
 * conversation) behind a format byte, {@code 0} in clear or {@code 1} sealed with AES-GCM (a random
 * 96-bit nonce first) whose associated data is the place it is stored under (team and id), so that
 * sealed bytes moved to another team's key do not open.
 */
final class StoredResponseCodec {
    private static final byte CLEAR = 0;
    private static final byte SEALED = 1;
    private static final int NONCE = 12;
    private static final SecureRandom RANDOM = new SecureRandom();

    private StoredResponseCodec() {
    }

    static byte[] encode(StoredResponse stored, String place, SecretKey key) {
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
        if (key == null) {
            byte[] out = new byte[json.length + 1];
            System.arraycopy(json, 0, out, 1, json.length);
            return out;
        }
        byte[] nonce = new byte[NONCE];
        RANDOM.nextBytes(nonce);
        byte[] sealed = aesGcm(Cipher.ENCRYPT_MODE, key, nonce, place, json, 0);
        byte[] out = new byte[1 + NONCE + sealed.length];
        out[0] = SEALED;
        System.arraycopy(nonce, 0, out, 1, NONCE);
        System.arraycopy(sealed, 0, out, 1 + NONCE, sealed.length);
        return out;
    }

    /** The stored response; an exception when the bytes are not what {@code key} expects or do not open. */
    static StoredResponse decode(byte[] bytes, String place, SecretKey key) {
        if (bytes.length < 2 || (bytes[0] != CLEAR && bytes[0] != SEALED)) {
            throw new IllegalArgumentException("stored response: not in a known format");
        }
        if ((bytes[0] == SEALED) != (key != null)) {
            throw new IllegalArgumentException(key == null ? "stored response is sealed, and no key is configured"
                    : "stored response is in clear, but a key is configured");
        }
        byte[] json = bytes[0] == CLEAR ? Arrays.copyOfRange(bytes, 1, bytes.length)
                : aesGcm(Cipher.DECRYPT_MODE, key, Arrays.copyOfRange(bytes, 1, 1 + NONCE), place, bytes, 1 + NONCE);
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

    private static byte[] aesGcm(int mode, SecretKey key, byte[] nonce, String place, byte[] data, int offset) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, key, new GCMParameterSpec(128, nonce));
            cipher.updateAAD(place.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(data, offset, data.length - offset);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("stored response does not " + (mode == Cipher.ENCRYPT_MODE
                    ? "seal" : "open") + " with the configured key: " + e.getMessage(), e);
        }
    }
}
