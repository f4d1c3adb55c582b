package dev.tiergate.inference.embedding;

import dev.tiergate.core.embedding.SentenceEmbedder;

/** A {@link SentenceEmbedder} that also gives the token states its vector was pooled from. */
public interface TokenEmbedder extends SentenceEmbedder {
    /**
     * One model run: the vector {@link #embed} would return and the token states. Blocks like
     * {@link #embed}: call it on a worker, never on an event loop.
     */
    TokenEmbedding embedTokens(String text);
}
