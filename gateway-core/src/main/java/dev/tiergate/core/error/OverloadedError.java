package dev.tiergate.core.error;

import java.time.Duration;

/** HTTP 503: the gateway holds as many requests or request bytes as it may; the client should retry shortly. */
public final class OverloadedError extends GatewayError {
    private final Duration retryAfter;

    public OverloadedError(String message, Duration retryAfter) {
        super(message, "overloaded", null, null);
        this.retryAfter = retryAfter;
    }

    /** How long the client should wait before retrying. */
    public Duration retryAfter() {
        return retryAfter;
    }

    @Override
    public int status() {
        return 503;
    }

    @Override
    public String type() {
        return "server_error";
    }
}
