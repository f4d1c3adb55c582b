package dev.tiergate.inference.embedding;

import static java.util.Objects.requireNonNull;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * A {@link TokenEmbedder} whose asynchronous runs are micro-batched: texts submitted while a batch
 * runs wait for it and then go through the model together, in one ONNX Runtime call of at most
 * {@code maxBatch} texts (padded to the longest). A text never waits for more texts to arrive: it
 * waits only for the batches ahead of it, so a lone request pays nothing for batching, and under
 * load the model runs fewer, larger calls (cheaper per text: see docs/benchmarks.md).
 *
 * <p>Batches run on the executor the first waiting text was submitted with (the inference
 * workers). At most {@code maxWaiting} texts wait; beyond that, and when the executor refuses a
 * batch, the submission is refused with {@link RejectedExecutionException}, so that a cache sheds
 * its lookup instead of queueing. The blocking methods run at once, unbatched.
 */
public final class MicroBatchingEmbedder implements TokenEmbedder {
    private final TokenEmbedder model;
    private final int maxBatch;
    private final int maxWaiting;
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    /** Batches handed to an executor that have not yet taken their texts. */
    private int scheduled;

    /**
     * @param model      runs the batches ({@link OnnxSentenceEmbedder#embedTokens(List)})
     * @param maxBatch   texts in one model call, at least 1
     * @param maxWaiting texts that may wait for a batch, at least {@code maxBatch}
     */
    public MicroBatchingEmbedder(TokenEmbedder model, int maxBatch, int maxWaiting) {
        this.model = requireNonNull(model, "model");
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch: " + maxBatch + " (expected: >= 1)");
        }
        if (maxWaiting < maxBatch) {
            throw new IllegalArgumentException("maxWaiting: " + maxWaiting + " (expected: >= maxBatch " + maxBatch + ")");
        }
        this.maxBatch = maxBatch;
        this.maxWaiting = maxWaiting;
    }

    @Override
    public CompletableFuture<TokenEmbedding> embedTokensAsync(String text, Executor executor) {
        Waiting entry = new Waiting(requireNonNull(text, "text"), new CompletableFuture<>());
        boolean schedule;
        synchronized (this) {
            if (waiting.size() >= maxWaiting) {
                throw new RejectedExecutionException("embedding batcher full: " + waiting.size()
                        + " texts waiting (expected: < " + maxWaiting + ")");
            }
            waiting.addLast(entry);
            // a new batch only when the ones already scheduled will not take this text
            schedule = waiting.size() > scheduled * maxBatch;
            if (schedule) {
                scheduled++;
            }
        }
        if (schedule) {
            try {
                executor.execute(this::runBatch);
            } catch (RejectedExecutionException e) {
                boolean mine;
                synchronized (this) {
                    scheduled--;
                    mine = waiting.remove(entry);
                }
                if (mine) {
                    throw e;
                }
                // a batch already running took this text: its answer comes with that batch
            }
        }
        return entry.result();
    }

    /** On a worker: takes up to {@code maxBatch} waiting texts and runs them in one call. */
    private void runBatch() {
        List<Waiting> batch = new ArrayList<>(maxBatch);
        synchronized (this) {
            scheduled--;
            while (batch.size() < maxBatch && !waiting.isEmpty()) {
                batch.add(waiting.pollFirst());
            }
        }
        if (batch.isEmpty()) {
            return;   // an earlier batch took them
        }
        List<TokenEmbedding> runs;
        try {
            runs = model.embedTokens(batch.stream().map(Waiting::text).toList());
        } catch (RuntimeException | Error e) {
            batch.forEach(w -> w.result().completeExceptionally(e));
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).result().complete(runs.get(i));
        }
    }

    /** Texts waiting for a batch now. */
    public synchronized int waiting() {
        return waiting.size();
    }

    @Override
    public TokenEmbedding embedTokens(String text) {
        return model.embedTokens(text);
    }

    @Override
    public List<TokenEmbedding> embedTokens(List<String> texts) {
        return model.embedTokens(texts);
    }

    @Override
    public float[] embed(String text) {
        return model.embed(text);
    }

    @Override
    public String modelId() {
        return model.modelId();
    }

    @Override
    public int dimensions() {
        return model.dimensions();
    }

    @Override
    public void close() {
        model.close();
    }

    private record Waiting(String text, CompletableFuture<TokenEmbedding> result) {
    }
}
