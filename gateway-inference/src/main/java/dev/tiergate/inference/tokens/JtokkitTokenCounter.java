package dev.tiergate.inference.tokens;

import static java.util.Objects.requireNonNull;

import com.knuddels.jtokkit.api.EncodingType;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.Message;
import dev.tiergate.core.model.ToolCall;
import dev.tiergate.core.tokens.TokenCounter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway's {@link TokenCounter}: OpenAI's BPE encodings (jtokkit's vocabulary files and
 * pre-tokenizing patterns), with OpenAI's chat framing (3 tokens per message, 3 before the reply).
 * Exact for OpenAI's models of the encoding, an estimate for others; the same counts as jtokkit's
 * {@code countTokensOrdinary} (special tokens are counted as plain text). The vocabulary is loaded
 * by the constructor, so build it at start-up. Thread-safe.
 *
 * <p>Counting only: the vocabulary is kept as a compact rank table ({@link BpeRanks}, about 5 MB
 * for o200k_base and 2.5 MB for cl100k_base) rather than jtokkit's encoder and decoder maps
 * (26 MB and 14 MB of heap), the largest part of the gateway's live heap when both are loaded
 * (docs/benchmarks.md, "Footprint").
 *
 * <p>Which encoding: {@link #o200k()} is what the gateway counts with (accounting, the demo
 * provider, the router's long-context gate). {@link #cl100k()} is there for the router's committed
 * classifier, whose {@code log_tokens} feature was trained on cl100k_base counts
 * ({@code gateway-router/training/MODEL_CARD.md}).
 */
public final class JtokkitTokenCounter implements TokenCounter {
    private static final int FRAMING_PER_MESSAGE = 3;
    private static final int FRAMING_OF_REPLY = 3;

    /** jtokkit's o200k_base pattern (tiktoken's, with Java's Unicode classes). */
    private static final Pattern O200K_PIECES = Pattern.compile(String.join("|",
            "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
            "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
            "\\p{N}{1,3}",
            " ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*",
            "\\s*[\\r\\n]+",
            "\\s+(?!\\S)",
            "\\s+"), Pattern.UNICODE_CHARACTER_CLASS);
    /** tiktoken's cl100k_base pattern (jtokkit splits with a hand-written equivalent of it). */
    private static final Pattern CL100K_PIECES = Pattern.compile(
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
                    + "|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+", Pattern.UNICODE_CHARACTER_CLASS);

    private final EncodingType type;
    private final Pattern pieces;
    private final BpeRanks ranks;

    /**
     * Loads {@code encoding}'s vocabulary now.
     *
     * @throws IllegalArgumentException for an encoding other than o200k_base and cl100k_base
     */
    public JtokkitTokenCounter(EncodingType encoding) {
        this.type = requireNonNull(encoding, "encoding");
        this.pieces = switch (encoding) {
            case O200K_BASE -> O200K_PIECES;
            case CL100K_BASE -> CL100K_PIECES;
            default -> throw new IllegalArgumentException("encoding: " + encoding.getName()
                    + " (expected: o200k_base or cl100k_base)");
        };
        this.ranks = BpeRanks.load("/com/knuddels/jtokkit/" + encoding.getName() + ".tiktoken");
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
        if (text == null || text.isEmpty()) {
            return 0;
        }
        int count = 0;
        byte[] bytes = new byte[64];
        Matcher piece = pieces.matcher(text);
        while (piece.find()) {
            int from = piece.start();
            int to = piece.end();
            if (bytes.length < 3 * (to - from)) {
                bytes = new byte[3 * (to - from)];
            }
            int length = Utf8.encode(text, from, to, bytes);
            count += BytePairCount.of(ranks, bytes, length);
        }
        return count;
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
