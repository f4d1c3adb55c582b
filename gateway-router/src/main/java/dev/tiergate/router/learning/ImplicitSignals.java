package dev.tiergate.router.learning;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Which implicit signals turn into rewards for a team (each a quality of 0 for the tier that
 * answered, at most one implicit reward per request): the same context asked again within
 * {@code regenerationWindow}, an escalation or fallback away from the chosen tier, an answer cut
 * at its length limit, a client that left mid-stream, an answer that fails its requested JSON schema.
 */
public record ImplicitSignals(boolean regeneration, Duration regenerationWindow, boolean escalation,
                              boolean truncated, boolean clientLeft, boolean schemaFailure) {
    public static final String REGENERATION = "regeneration";
    public static final String ESCALATION = "escalation";
    public static final String TRUNCATED = "truncated";
    public static final String CLIENT_LEFT = "client-left";
    public static final String SCHEMA_FAILURE = "schema-failure";

    public ImplicitSignals {
        requireNonNull(regenerationWindow, "regenerationWindow");
        if (regenerationWindow.isNegative() || regenerationWindow.isZero()) {
            throw new IllegalArgumentException("regeneration-seconds: " + regenerationWindow.toSeconds()
                    + " (expected: > 0)");
        }
    }

    /** Every signal on, regenerations within 2 minutes. */
    public static ImplicitSignals defaults() {
        return new ImplicitSignals(true, Duration.ofMinutes(2), true, true, true, true);
    }

    public boolean enabled(String signal) {
        return switch (signal) {
            case REGENERATION -> regeneration;
            case ESCALATION -> escalation;
            case TRUNCATED -> truncated;
            case CLIENT_LEFT -> clientLeft;
            case SCHEMA_FAILURE -> schemaFailure;
            default -> throw new IllegalArgumentException("signal: '" + signal + "'");
        };
    }
}
