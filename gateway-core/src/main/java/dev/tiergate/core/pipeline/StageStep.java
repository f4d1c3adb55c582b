package dev.tiergate.core.pipeline;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What a stage decided for a request. {@code outcome} is a short, fixed label (a metric tag: never
 * anything from the request), e.g. {@code hit}, {@code miss}, {@code bypass}, {@code shed}.
 */
public sealed interface StageStep {

    String outcome();

    /**
     * Go on with {@code exchange}; {@code after} (null: none) sees the answer on its way back
     * (to record it, meter it), and may wrap a stream but must not block. A stage that needs no
     * hook leaves the answer untouched, which is what lets answers pass through unchanged.
     */
    record Proceed(Exchange exchange, AnswerHook after, String outcome) implements StageStep {
        public Proceed {
            requireNonNull(exchange, "exchange");
            requireNonNull(outcome, "outcome");
        }
    }

    /** Answer at once; the rest of the pipeline does not run. */
    record Respond(Answer answer, String outcome) implements StageStep {
        public Respond {
            requireNonNull(answer, "answer");
            requireNonNull(outcome, "outcome");
        }
    }

    static CompletionStage<StageStep> proceed(Exchange exchange, String outcome) {
        return CompletableFuture.completedFuture(new Proceed(exchange, null, outcome));
    }

    static CompletionStage<StageStep> proceed(Exchange exchange, String outcome, AnswerHook after) {
        return CompletableFuture.completedFuture(new Proceed(exchange, after, outcome));
    }

    static CompletionStage<StageStep> respond(Answer answer, String outcome) {
        return CompletableFuture.completedFuture(new Respond(answer, outcome));
    }
}
