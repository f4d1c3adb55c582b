package dev.tiergate.core.pipeline;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.accounting.UsageRecord;
import dev.tiergate.core.model.Usage;

/**
 * An upstream attempt of a request whose answer did not reach the client but that the provider may
 * bill: an empty answer discarded for a fallback ({@code usage} as the provider reported it), or a
 * call abandoned after it was sent (a client that left, a deadline passed: {@code usage} null, the
 * gateway estimates what was sent), or an answer a cascade checked and escalated ({@code usage} as
 * the provider reported it).
 */
public record BilledAttempt(String provider, String model, String tier, Usage usage, String reason) {
    public static final String DISCARDED = "discarded";
    public static final String ABANDONED = "abandoned";
    /** A cascaded answer that failed its checks and was escalated to a stronger tier. */
    public static final String ESCALATED = UsageRecord.ESCALATED;

    public BilledAttempt {
        requireNonNull(model, "model");
        requireNonNull(reason, "reason");
    }
}
