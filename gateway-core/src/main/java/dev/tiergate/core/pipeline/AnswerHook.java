package dev.tiergate.core.pipeline;

/**
 * What a stage does with the outcome of the rest of the pipeline: sees (and may wrap) the answer
 * on its way back, or learns that there is none. Must not block; a stream is to be wrapped, not
 * consumed.
 */
@FunctionalInterface
public interface AnswerHook {

    /** The answer on its way back; what is returned goes on to the client (the same answer if unchanged). */
    Answer answered(Answer answer);

    /** The rest of the pipeline failed (an upstream error, a refusal, a timeout): nothing was answered. */
    default void failed(Throwable error) {
    }
}
