package dev.tiergate.core.routing;

import static java.util.Objects.requireNonNull;

/**
 * One escalation of a cascaded request: the answer of {@code fromModel} in {@code fromTier} failed
 * the check named {@code cause} ({@code refusal}, {@code truncated}, {@code invalid-json},
 * {@code low-logprob}), so the request went on to {@code toTier}. The cause is the value of
 * {@code x-tiergate-escalation}.
 */
public record Escalation(String fromTier, String fromModel, String toTier, String cause) {
    public Escalation {
        requireNonNull(fromTier, "fromTier");
        requireNonNull(fromModel, "fromModel");
        requireNonNull(toTier, "toTier");
        requireNonNull(cause, "cause");
    }
}
