package dev.tiergate.core.pipeline;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.model.Usage;

/**
 * An upstream attempt of a request whose answer did not reach the client but that the provider may
 * bill: an empty answer discarded for a fallback ({@code usage} as the provider reported it), or a
 * call abandoned after it was sent (a client that left, a deadline passed: {@code usage} null, the
 * gateway estimates what was sent).
 */
public record BilledAttempt(String provider, String model, String tier, Usage usage, String reason) {
    public static final String DISCARDED = "discarded";
    public static final String ABANDONED = "abandoned";

    public BilledAttempt {
        requireNonNull(model, "model");
        requireNonNull(reason, "reason");
    }
}
