package dev.tiergate.inference.embedding;

import dev.tiergate.core.embedding.SentenceEmbedder;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/** A {@link SentenceEmbedder} that also gives the token states its vector was pooled from. */
public interface TokenEmbedder extends SentenceEmbedder {
    /**
     * One model run: the vector {@link #embed} would return and the token states. Blocks like
     * {@link #embed}: call it on a worker, never on an event loop.
     */
    TokenEmbedding embedTokens(String text);

    /** Several texts' runs, in order; blocks. By default one run each. */
    default List<TokenEmbedding> embedTokens(List<String> texts) {
        return texts.stream().map(this::embedTokens).toList();
    }

    /**
     * {@link #embedTokens(String)} without blocking the caller: by default run on {@code executor};
     * a batching embedder ({@link MicroBatchingEmbedder}) runs it together with the texts waiting
     * beside it. Refuses with {@link java.util.concurrent.RejectedExecutionException} (thrown, or as
     * the future's failure) when the executor or the batcher is full.
     */
    default CompletableFuture<TokenEmbedding> embedTokensAsync(String text, Executor executor) {
        return CompletableFuture.supplyAsync(() -> embedTokens(text), executor);
    }
}
