package dev.tiergate.core.error;

import java.time.Duration;

/** HTTP 429: a team limit or budget was hit, or an upstream said so. */
public final class RateLimitedError extends GatewayError {
    private final Duration retryAfter;

    public RateLimitedError(String message, String code, Duration retryAfter) {
        super(message, code, null, null);
        this.retryAfter = retryAfter;
    }

    /** How long the client should wait; null when unknown. */
    public Duration retryAfter() {
        return retryAfter;
    }

    @Override
    public int status() {
        return 429;
    }

    @Override
    public String type() {
        return "rate_limit_error";
    }
}
