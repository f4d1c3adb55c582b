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

    /**
     * The same, with the exchange the step was for (its request id, facts): what a tracer needs to
     * place the step under its request. The runner calls this one; by default it forwards to
     * {@link #stepped(String, String, long)}.
     */
    default void stepped(Exchange exchange, String stage, String outcome, long nanos) {
        stepped(stage, outcome, nanos);
    }

    /** Tells this observer, then {@code next}. */
    default StageObserver andThen(StageObserver next) {
        StageObserver first = this;
        return new StageObserver() {
            @Override
            public void stepped(String stage, String outcome, long nanos) {
                first.stepped(stage, outcome, nanos);
                next.stepped(stage, outcome, nanos);
            }

            @Override
            public void stepped(Exchange exchange, String stage, String outcome, long nanos) {
                first.stepped(exchange, stage, outcome, nanos);
                next.stepped(exchange, stage, outcome, nanos);
            }
        };
    }
}
