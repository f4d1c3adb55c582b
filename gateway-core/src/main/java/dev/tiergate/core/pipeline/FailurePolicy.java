package dev.tiergate.core.pipeline;

/** What the pipeline does when a stage itself fails (not when it answers with an error on purpose). */
public enum FailurePolicy {
    /** Log, count, and go on as if the stage were not there (caches, router). */
    FAIL_OPEN,
    /** The request fails (auth, budget). */
    FAIL_CLOSED
}
