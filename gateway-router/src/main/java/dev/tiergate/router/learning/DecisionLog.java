package dev.tiergate.router.learning;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * The routed requests feedback may still arrive for, each kept for the decision TTL (and at most a
 * per-team number of them): in Redis, so that any replica can take the feedback, or in memory.
 */
public interface DecisionLog {

    CompletionStage<Void> record(LoggedDecision decision);

    /** The decision of {@code requestId}, or null when it is unknown or has expired. */
    CompletionStage<LoggedDecision> find(String requestId);

    /**
     * Marks {@code requestId} as rewarded by {@code kind} ({@code explicit} or {@code implicit});
     * true the first time, false when it already was.
     */
    CompletionStage<Boolean> claim(String requestId, String kind);

    /**
     * Remembers {@code requestId} as the last request of {@code team} with this context
     * fingerprint for {@code window}, and returns the one it replaces (null: none in the window).
     */
    CompletionStage<String> swapFingerprint(String team, String fingerprint, String requestId, Duration window);
}
