package dev.tiergate.providers.gemini;

/**
 * Carries a Gemini 3 {@code thoughtSignature} inside the OpenAI tool call id, the one field of a
 * tool call that every client sends back unchanged in the next turn (in the assistant message's
 * {@code tool_calls[].id} and the tool message's {@code tool_call_id}), so that the signature
 * reaches Gemini again without the client knowing about it.
 *
 * <p>Format: {@code <call id>__thought__<signature>}, the signature in URL-safe base64 without
 * padding ({@code +} as {@code -}, {@code /} as {@code _}), so the id stays within
 * {@code [A-Za-z0-9_-]}, which other providers accept for tool call ids. Reading it back undoes the
 * substitution and restores the padding; a signature written in standard base64 after the marker
 * (as LiteLLM writes it) reads back the same. An id without the marker carries no signature.
 */
final class ThoughtSignatureIds {
    static final String MARKER = "__thought__";

    private ThoughtSignatureIds() {
    }

    /** A call id and the signature it carried (null when none). */
    record Decoded(String callId, String thoughtSignature) {
    }

    /** {@code callId} with {@code signature} appended; {@code callId} itself when there is no signature. */
    static String encode(String callId, String signature) {
        if (signature == null || signature.isEmpty()) {
            return callId;
        }
        String urlSafe = signature.replace('+', '-').replace('/', '_');
        int end = urlSafe.length();
        while (end > 0 && urlSafe.charAt(end - 1) == '=') {
            end--;
        }
        return callId + MARKER + urlSafe.substring(0, end);
    }

    /** The call id and signature of an id written by {@link #encode}; any other id as it is, without a signature. */
    static Decoded decode(String id) {
        int at = id == null ? -1 : id.indexOf(MARKER);
        if (at < 0 || at + MARKER.length() == id.length()) {
            return new Decoded(id, null);
        }
        String standard = id.substring(at + MARKER.length()).replace('-', '+').replace('_', '/');
        String padding = "=".repeat((4 - standard.length() % 4) % 4);
        return new Decoded(id.substring(0, at), standard + padding);
    }
}
