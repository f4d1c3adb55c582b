package dev.tiergate.router.learning;

import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.Message;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A hash of a chat request's context (the alias and every message's role and text): two requests
 * with the same fingerprint asked the same thing in the same conversation. Only the hash is kept,
 * never the text.
 */
public final class ContextFingerprint {
    private ContextFingerprint() {
    }

    public static String of(String alias, ChatRequest request) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        sha.update(alias.getBytes(StandardCharsets.UTF_8));
        for (Message m : request.messages()) {
            sha.update((byte) 0);
            sha.update(String.valueOf(m.role()).getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 1);
            sha.update(String.valueOf(m.text()).getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(sha.digest(), 0, 16);
    }
}
