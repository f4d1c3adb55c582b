package dev.tiergate.server.dashboard;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One failed upstream attempt as the dashboard shows it: when, the request, provider, configured
 * model, the upstream's HTTP status (0: none), the error code, the attempt's number in its request
 * and its outcome tag. Ids, names and numbers only: never a prompt, an answer or a provider's message.
 */
public record UpstreamFailure(Instant at, String requestId, String provider, String model, int status, String code,
                              int attempt, String outcome) {
    public UpstreamFailure {
        requireNonNull(at, "at");
        requireNonNull(requestId, "requestId");
        requireNonNull(provider, "provider");
        requireNonNull(model, "model");
    }
}
