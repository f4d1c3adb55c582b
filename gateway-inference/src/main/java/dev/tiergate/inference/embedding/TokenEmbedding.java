package dev.tiergate.inference.embedding;

import static java.util.Objects.requireNonNull;

/**
 * One model run over a text: the pooled, L2-normalised sentence vector ({@link
 * OnnxSentenceEmbedder#embed} returns exactly this one) and the token states it was pooled from.
 *
 * @param vector     the sentence vector
 * @param tokens     the model's tokens, special ones included (e.g. {@code [CLS]}, {@code ##ing}, {@code [SEP]})
 * @param states     the last layer's state of each token, row by row ({@code tokens.length * dimensions})
 * @param dimensions the width of one token state
 */
public record TokenEmbedding(float[] vector, String[] tokens, float[] states, int dimensions) {
    public TokenEmbedding {
        requireNonNull(vector, "vector");
        requireNonNull(tokens, "tokens");
        requireNonNull(states, "states");
        if (states.length != tokens.length * dimensions) {
            throw new IllegalArgumentException("states: " + states.length + " values (expected: " + tokens.length
                    + " tokens * " + dimensions + ")");
        }
    }
}
