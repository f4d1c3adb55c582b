package dev.tiergate.core.resilience;

import java.util.Locale;

/** How an upstream attempt ended; {@link #tag()} is the value for logs and metrics. */
public enum AttemptOutcome {
    /** An answer, or a stream's first chunk. */
    SUCCESS,
    /** A retryable failure (429, 5xx, broken connection): retried, then the next model. */
    RETRYABLE_ERROR,
    /** The provider did not answer in time: retried, then the next model. */
    TIMEOUT,
    /** A failure that another attempt on the same model will not mend: the next model. */
    FAILED,
    /** An empty or truncated answer with no content: the next model. */
    EMPTY_ANSWER,
    /** The request itself was refused (400, 401, ...): returned to the client at once. */
    REJECTED,
    /** The request was answered otherwise or gave up (deadline, client gone) while this attempt ran. */
    CANCELLED;

    public String tag() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
