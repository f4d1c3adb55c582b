package dev.tiergate.core.pipeline;

/**
 * Told about every stage step the runner takes: the stage, its outcome label (the stage's own,
 * or the runner's {@value Pipeline#FAILED_OPEN}, {@value Pipeline#REFUSED}, {@value Pipeline#FAILED})
 * and how long the stage's {@code before} took. Called on hot paths: must be cheap and never throw.
 */
@FunctionalInterface
public interface StageObserver {
    StageObserver NONE = (stage, outcome, nanos) -> { };

    void stepped(String stage, String outcome, long nanos);
}
