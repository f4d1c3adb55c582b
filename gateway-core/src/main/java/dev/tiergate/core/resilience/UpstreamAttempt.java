package dev.tiergate.core.resilience;

import static java.util.Objects.requireNonNull;

/**
 * One call to one deployment of a model. {@code number} counts the request's upstream calls from 1,
 * across retries and fallbacks; {@code model} is the configured name, {@code upstreamModel} the one
 * sent to {@code provider}.
 */
public record UpstreamAttempt(String requestId, String model, String provider, String upstreamModel, int number,
                              boolean stream) {
    public UpstreamAttempt {
        requireNonNull(requestId, "requestId");
        requireNonNull(model, "model");
        requireNonNull(provider, "provider");
        requireNonNull(upstreamModel, "upstreamModel");
    }
}
