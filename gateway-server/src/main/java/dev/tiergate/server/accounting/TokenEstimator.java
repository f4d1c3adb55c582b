package dev.tiergate.server.accounting;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.Message;
import dev.tiergate.core.model.ToolCall;

/**
 * Counts tokens when a provider reports none, with jtokkit's o200k_base encoding and OpenAI's chat
 * framing (a few tokens per message and for the reply). Exact for OpenAI's current models, an
 * estimate for others; records counted here say {@code tokens_source: estimated}.
 */
public final class TokenEstimator {
    private static final Encoding ENCODING =
            Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
    private static final int FRAMING_PER_MESSAGE = 3;
    private static final int FRAMING_OF_REPLY = 3;

    private TokenEstimator() {
    }

    /** The prompt tokens of a request: every message's role, name, text and tool calls, plus framing. */
    public static long prompt(ChatRequest request) {
        long total = FRAMING_OF_REPLY;
        for (Message message : request.messages()) {
            total += FRAMING_PER_MESSAGE + text(message.role()) + text(message.name()) + text(message.text());
            if (message.toolCalls() != null) {
                for (ToolCall call : message.toolCalls()) {
                    total += call.function() == null ? 0
                            : text(call.function().name()) + text(call.function().arguments());
                }
            }
        }
        return total;
    }

    public static long text(CharSequence text) {
        return text == null || text.isEmpty() ? 0 : ENCODING.countTokensOrdinary(text.toString());
    }
}
