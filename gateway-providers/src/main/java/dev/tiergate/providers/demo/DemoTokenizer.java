package dev.tiergate.providers.demo;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.Message;

/** Counts tokens as OpenAI's chat models do (o200k_base, plus the per-message framing). */
final class DemoTokenizer {
    private static final Encoding ENCODING =
            Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
    private static final int TOKENS_PER_MESSAGE = 3;
    private static final int TOKENS_PER_REPLY = 3;

    private DemoTokenizer() {
    }

    static int countPrompt(ChatRequest request) {
        int tokens = TOKENS_PER_REPLY;
        for (Message message : request.messages()) {
            tokens += TOKENS_PER_MESSAGE + count(message.role()) + count(message.text());
        }
        return tokens;
    }

    static int count(String text) {
        return text == null || text.isEmpty() ? 0 : ENCODING.countTokensOrdinary(text);
    }
}
