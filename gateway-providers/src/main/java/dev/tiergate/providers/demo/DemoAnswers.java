package dev.tiergate.providers.demo;

import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.Message;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Writes the demo model's answer: a deterministic function of the model name and the last user
 * message, so the same question always gets the same answer (and caches can be seen working).
 * Stronger demo models write longer answers.
 */
final class DemoAnswers {
    private static final String[] SENTENCES = {
        "This answer comes from Tiergate's built-in demo provider, a simulated model.",
        "Set OPENAI_API_KEY, or add a provider to gateway.yaml, to reach a real model.",
        "The same question always gets the same answer, so the caches can be seen at work.",
        "Ask again and the x-tiergate-cache response header should say hit.",
        "Streaming answers arrive chunk by chunk at a realistic pace.",
        "Usage is counted with a real tokenizer, as a provider would report it.",
        "The alias auto picks a tier of models; each tier has its own demo model.",
        "Stronger demo models write longer answers, as stronger real models tend to.",
    };

    private DemoAnswers() {
    }

    static String answer(String model, ChatRequest request) {
        Message last = request.lastUserMessage();
        String question = last == null ? "" : last.text();
        byte[] digest = sha256(model + "\n" + question);
        int sentences = model.contains("frontier") ? 6 : model.contains("mid") ? 4 : 2;
        StringBuilder text = new StringBuilder("[").append(model).append("] ");
        text.append("You asked: \"").append(abbreviate(question, 80)).append("\".");
        for (int i = 0; i < sentences; i++) {
            text.append(' ').append(SENTENCES[Byte.toUnsignedInt(digest[i]) % SENTENCES.length]);
        }
        text.append(" (answer ").append(hex(digest, 4)).append(')');
        return text.toString();
    }

    /** Splits an answer into stream chunks of one word each, spaces kept, so joining gives it back. */
    static List<String> chunks(String answer) {
        List<String> chunks = new ArrayList<>();
        int start = 0;
        for (int i = 1; i < answer.length(); i++) {
            if (answer.charAt(i) == ' ') {
                chunks.add(answer.substring(start, i));
                start = i;
            }
        }
        chunks.add(answer.substring(start));
        return chunks;
    }

    static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from the JDK", e);
        }
    }

    private static String abbreviate(String text, int max) {
        String flat = text.replaceAll("\\s+", " ").strip();
        return flat.length() <= max ? flat : flat.substring(0, max - 1) + "…";
    }

    private static String hex(byte[] bytes, int count) {
        return HexFormat.of().formatHex(bytes, 0, count);
    }
}
