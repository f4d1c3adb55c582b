package dev.tiergate.inference.wordpiece;

import static java.util.Objects.requireNonNull;

/**
 * A text as a BERT-style model reads it: token ids with the special tokens around them, and their
 * texts. Every token is attended to and of type 0 (one sequence, no padding).
 *
 * @param ids       the token ids, special tokens included
 * @param tokens    each id's token text ({@code [CLS]}, {@code ##ing}, …)
 * @param truncated whether the text had more tokens than the window and lost its end
 */
public record WordPieceEncoding(long[] ids, String[] tokens, boolean truncated) {
    public WordPieceEncoding {
        requireNonNull(ids, "ids");
        requireNonNull(tokens, "tokens");
        if (ids.length != tokens.length) {
            throw new IllegalArgumentException("tokens: " + tokens.length + " (expected: one per id, " + ids.length + ")");
        }
    }

    /** How many tokens the model reads. */
    public int length() {
        return ids.length;
    }
}
