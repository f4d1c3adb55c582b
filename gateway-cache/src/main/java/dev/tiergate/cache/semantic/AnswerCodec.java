package dev.tiergate.cache.semantic;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tiergate.core.json.Json;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ChatCompletion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * The bytes a semantic cache entry keeps for its answer: JSON of the completion, the recorded
 * chunks (when streamed), where it came from and when, behind a format byte: {@code 0} in clear,
 * {@code 1} AES-GCM with a random 96-bit nonce (prepended) and the partition as associated data,
 * so an entry cannot be moved to another partition. The prompt is not part of it.
 */
final class AnswerCodec {
    private static final byte CLEAR = 0;
    private static final byte AES_GCM = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final ObjectMapper MAPPER = Json.mapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A stored answer. */
    record StoredAnswer(ChatCompletion completion, List<ChatChunk> chunks, String provider, String model,
                        String tier, long storedAtMillis) {
    }

    private AnswerCodec() {
    }

    static byte[] encode(StoredAnswer answer, String partition, SecretKey key) {
        byte[] json;
        try {
            json = MAPPER.writeValueAsBytes(answer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (key == null) {
            return ByteBuffer.allocate(1 + json.length).put(CLEAR).put(json).array();
        }
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(partition.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(json);
            return ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length).put(AES_GCM).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed: " + e.getMessage(), e);
        }
    }

    /**
     * The answer, or an exception when the bytes are not what this team's settings expect: an
     * encrypted entry without the right key, or a clear one where a key is configured.
     */
    static StoredAnswer decode(byte[] bytes, String partition, SecretKey key) {
        if (bytes.length < 2) {
            throw new IllegalArgumentException("answer: " + bytes.length + " bytes (expected: at least 2)");
        }
        byte[] json;
        if (bytes[0] == CLEAR) {
            if (key != null) {
                throw new IllegalArgumentException("answer stored in clear, but the team encrypts");
            }
            json = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
        } else if (bytes[0] == AES_GCM) {
            if (key == null) {
                throw new IllegalArgumentException("answer encrypted, but the team has no key");
            }
            try {
                Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
                cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, bytes, 1, NONCE_BYTES));
                cipher.updateAAD(partition.getBytes(StandardCharsets.UTF_8));
                json = cipher.doFinal(bytes, 1 + NONCE_BYTES, bytes.length - 1 - NONCE_BYTES);
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("answer does not decrypt with the team's key", e);
            }
        } else {
            throw new IllegalArgumentException("answer format: " + bytes[0] + " (expected: 0 or 1)");
        }
        try {
            return MAPPER.readValue(json, StoredAnswer.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("answer is not valid JSON: " + e.getMessage(), e);
        }
    }
}
