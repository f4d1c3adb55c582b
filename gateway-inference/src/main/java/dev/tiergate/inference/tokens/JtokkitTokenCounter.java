package dev.tiergate.inference.tokens;

import static java.util.Objects.requireNonNull;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.Message;
import dev.tiergate.core.model.ToolCall;
import dev.tiergate.core.tokens.TokenCounter;

/**
 * The gateway's {@link TokenCounter}: OpenAI's BPE encodings through jtokkit, with OpenAI's chat
 * framing (3 tokens per message, 3 before the reply). Exact for OpenAI's models of the encoding,
 * an estimate for others. The vocabulary (a few MB) is loaded by the constructor, so build it at
 * start-up. Thread-safe.
 *
 * <p>Which encoding: {@link #o200k()} is what the gateway counts with (accounting, the demo
 * provider, the router's long-context gate). {@link #cl100k()} is there for the router's committed
 * classifier, whose {@code log_tokens} feature was trained on cl100k_base counts
 * ({@code gateway-router/training/MODEL_CARD.md}).
 */
public final class JtokkitTokenCounter implements TokenCounter {
    private static final int FRAMING_PER_MESSAGE = 3;
    private static final int FRAMING_OF_REPLY = 3;

    private final EncodingType type;
    private final Encoding encoding;

    /** Loads {@code encoding}'s vocabulary now. */
    public JtokkitTokenCounter(EncodingType encoding) {
        this.type = requireNonNull(encoding, "encoding");
        this.encoding = Encodings.newLazyEncodingRegistry().getEncoding(encoding);
    }

    /** {@code o200k_base}: OpenAI's current models (gpt-4o, gpt-4.1, the o-series); what the gateway counts with. */
    public static JtokkitTokenCounter o200k() {
        return new JtokkitTokenCounter(EncodingType.O200K_BASE);
    }

    /** {@code cl100k_base}: gpt-4 and gpt-3.5; what the router's classifier was trained to count with. */
    public static JtokkitTokenCounter cl100k() {
        return new JtokkitTokenCounter(EncodingType.CL100K_BASE);
    }

    @Override
    public String encoding() {
        return type.getName();
    }

    @Override
    public int text(CharSequence text) {
        return text == null || text.isEmpty() ? 0 : encoding.countTokensOrdinary(text.toString());
    }

    @Override
    public int prompt(ChatRequest request) {
        int total = FRAMING_OF_REPLY;
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

    @Override
    public String toString() {
        return "JtokkitTokenCounter[" + encoding() + "]";
    }
}
