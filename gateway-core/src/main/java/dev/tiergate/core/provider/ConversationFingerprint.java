package dev.tiergate.core.provider;

import dev.tiergate.core.json.Json;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.Message;
import dev.tiergate.core.model.Tool;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A hash of the head every turn of a conversation repeats: its tools, its system and developer
 * messages, and its first user message. Later turns append to the conversation and keep the
 * fingerprint; two conversations that differ in any of these have different ones. It names a
 * provider prompt cache ({@code prompt_cache_key}) and picks a deployment ({@link PromptCaching});
 * only the hash is kept, never the text. Null for a request without tools, system prompt or user
 * message (nothing worth keeping warm).
 */
public final class ConversationFingerprint {
    private ConversationFingerprint() {
    }

    public static String of(ChatRequest request) {
        MessageDigest sha = sha256();
        boolean any = false;
        if (request.tools() != null) {
            for (Tool tool : request.tools()) {
                update(sha, "tool", Json.mapper().valueToTree(tool).toString());
                any = true;
            }
        }
        for (Message m : request.messages()) {
            if ("system".equals(m.role()) || "developer".equals(m.role())) {
                update(sha, m.role(), m.text());
                any = true;
            } else if ("user".equals(m.role())) {
                update(sha, m.role(), m.text());
                any = true;
                break;
            }
        }
        return any ? HexFormat.of().formatHex(sha.digest(), 0, 16) : null;
    }

    private static void update(MessageDigest sha, String kind, String text) {
        sha.update(kind.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(String.valueOf(text).getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 1);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
