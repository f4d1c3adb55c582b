package dev.tiergate.cache.semantic.verify;

import static java.util.Objects.requireNonNull;

import dev.tiergate.inference.embedding.TokenEmbedding;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * What the pair verifier compares of one prompt: its text and the embedding model's token states,
 * each state L2-normalised and quantised to 8 bits (a cosine between two tokens is then exact to
 * about 0.01), at most {@link #MAX_TOKENS} tokens. A cache entry keeps this sealed (its evidence
 * part); the query side is made the same way, so the verifier sees both sides alike.
 *
 * @param text       the prompt
 * @param tokens     the model's tokens without the special ones ({@code [CLS]}, {@code [SEP]})
 * @param states     per token {@code dimensions} signed bytes
 * @param norms      per token the Euclidean norm of its quantised state
 * @param dimensions the width of a state
 */
public record PromptEvidence(String text, String[] tokens, byte[] states, float[] norms, int dimensions) {
    /** The most tokens kept (longer prompts are compared on their first ones). */
    public static final int MAX_TOKENS = 96;
    private static final byte FORMAT = 1;

    public PromptEvidence {
        requireNonNull(text, "text");
        requireNonNull(tokens, "tokens");
        requireNonNull(states, "states");
        requireNonNull(norms, "norms");
        if (states.length != tokens.length * dimensions || norms.length != tokens.length) {
            throw new IllegalArgumentException("evidence: " + tokens.length + " tokens, " + states.length
                    + " state bytes, " + norms.length + " norms (expected: tokens * " + dimensions + ", tokens)");
        }
    }

    /** The evidence of {@code text} from one model run over it. */
    public static PromptEvidence of(String text, TokenEmbedding run) {
        int dims = run.dimensions();
        String[] all = run.tokens();
        int[] kept = new int[Math.min(all.length, MAX_TOKENS)];
        int count = 0;
        for (int t = 0; t < all.length && count < MAX_TOKENS; t++) {
            if (!(all[t].startsWith("[") && all[t].endsWith("]"))) {
                kept[count++] = t;
            }
        }
        String[] tokens = new String[count];
        byte[] states = new byte[count * dims];
        float[] norms = new float[count];
        float[] source = run.states();
        for (int k = 0; k < count; k++) {
            int t = kept[k];
            tokens[k] = all[t];
            double sum = 0;
            for (int d = 0; d < dims; d++) {
                float v = source[t * dims + d];
                sum += (double) v * v;
            }
            double scale = sum > 0 ? 127.0 / Math.sqrt(sum) : 0;
            int quantisedSum = 0;   // exact, as fromBytes's: dims * 127^2 stays below 2^31 up to 133,000 dimensions
            for (int d = 0; d < dims; d++) {
                long q = Math.round(source[t * dims + d] * scale);
                byte b = (byte) Math.max(-127, Math.min(127, q));
                states[k * dims + d] = b;
                quantisedSum += b * b;
            }
            norms[k] = (float) Math.sqrt(quantisedSum);
        }
        return new PromptEvidence(text, tokens, states, norms, dims);
    }

    /**
     * The cosine between token {@code i} of this and token {@code j} of {@code other}, one pair at a
     * time: the reference the verifier's one-pass {@link TokenSimilarities} must equal bit for bit.
     */
    double similarity(int i, PromptEvidence other, int j) {
        float n = norms[i] * other.norms[j];
        if (n == 0) {
            return 0;
        }
        int sum = 0;
        int a = i * dimensions;
        int b = j * other.dimensions;
        byte[] s = states;
        byte[] o = other.states;
        for (int d = 0; d < dimensions; d++) {
            sum += s[a + d] * o[b + d];
        }
        return sum / n;
    }

    /** Byte form: format, dimensions, the text, the tokens, the states (norms are recomputed). */
    public byte[] toBytes() {
        byte[] textBytes = text.getBytes(StandardCharsets.UTF_8);
        byte[][] tokenBytes = new byte[tokens.length][];
        int size = 1 + 4 + 4 + textBytes.length + 4 + states.length;
        for (int t = 0; t < tokens.length; t++) {
            tokenBytes[t] = tokens[t].getBytes(StandardCharsets.UTF_8);
            size += 2 + tokenBytes[t].length;
        }
        ByteBuffer out = ByteBuffer.allocate(size).put(FORMAT).putInt(dimensions).putInt(textBytes.length)
                .put(textBytes).putInt(tokens.length);
        for (byte[] token : tokenBytes) {
            out.putShort((short) token.length).put(token);
        }
        return out.put(states).array();
    }

    public static PromptEvidence fromBytes(byte[] bytes) {
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            if (in.get() != FORMAT) {
                throw new IllegalArgumentException("evidence format: " + bytes[0] + " (expected: " + FORMAT + ")");
            }
            int dims = in.getInt();
            byte[] textBytes = new byte[in.getInt()];
            in.get(textBytes);
            int count = in.getInt();
            if (count < 0 || count > MAX_TOKENS || dims <= 0 || dims > 4096) {
                throw new IllegalArgumentException("evidence: " + count + " tokens of " + dims + " dimensions");
            }
            String[] tokens = new String[count];
            for (int t = 0; t < count; t++) {
                byte[] token = new byte[in.getShort()];
                in.get(token);
                tokens[t] = new String(token, StandardCharsets.UTF_8);
            }
            byte[] states = new byte[count * dims];
            in.get(states);
            float[] norms = new float[count];
            for (int t = 0; t < count; t++) {
                int sum = 0;   // at most 4096 * 127^2 < 2^31: the same integer a long gives, and a loop the JIT vectorises
                for (int d = 0; d < dims; d++) {
                    sum += states[t * dims + d] * states[t * dims + d];
                }
                norms[t] = (float) Math.sqrt(sum);
            }
            return new PromptEvidence(new String(textBytes, StandardCharsets.UTF_8), tokens, states, norms, dims);
        } catch (java.nio.BufferUnderflowException | NegativeArraySizeException e) {
            throw new IllegalArgumentException("evidence: truncated", e);
        }
    }

    @Override
    public String toString() {
        // Never print the prompt.
        return "PromptEvidence[" + tokens.length + " tokens]";
    }
}
