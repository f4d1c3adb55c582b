package dev.tiergate.inference;

import static java.util.Objects.requireNonNull;

import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A loaded model and a small pool of its predictors: DJL predictors are not thread-safe, so each
 * call borrows one (or makes one) and returns it; a predictor whose call failed is dropped.
 * Thread-safe. {@link #close()} closes the pooled predictors and the model.
 *
 * @param <I> what a call takes
 * @param <O> what a call gives
 */
public final class PooledPredictor<I, O> implements AutoCloseable {
    private final String what;
    private final ZooModel<I, O> model;
    private final BlockingQueue<Predictor<I, O>> idle;

    /** {@code what} names the model in error messages; {@code poolSize} predictors are kept idle at most. */
    public PooledPredictor(String what, ZooModel<I, O> model, int poolSize) {
        this.what = requireNonNull(what, "what");
        this.model = requireNonNull(model, "model");
        if (poolSize <= 0) {
            throw new IllegalArgumentException("poolSize: " + poolSize + " (expected: > 0)");
        }
        this.idle = new ArrayBlockingQueue<>(poolSize);
    }

    /** One call of the model; {@link IllegalStateException} when it fails. */
    public O predict(I input) {
        Predictor<I, O> predictor = idle.poll();
        if (predictor == null) {
            predictor = model.newPredictor();
        }
        try {
            return predictor.predict(input);
        } catch (TranslateException e) {
            predictor.close();
            predictor = null;
            throw new IllegalStateException(what + " failed: " + e.getMessage(), e);
        } finally {
            if (predictor != null && !idle.offer(predictor)) {
                predictor.close();
            }
        }
    }

    @Override
    public void close() {
        Predictor<I, O> predictor;
        while ((predictor = idle.poll()) != null) {
            predictor.close();
        }
        model.close();
    }
}
