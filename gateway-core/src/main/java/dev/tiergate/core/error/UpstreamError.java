package dev.tiergate.core.error;

import java.time.Duration;

/**
 * A provider failed: it answered with an error status, broke the connection or sent something we
 * cannot read. {@code upstreamStatus} is the provider's HTTP status (0 when there was none);
 * the client gets the same status for 4xx (the request was at fault) and 502 otherwise.
 */
public final class UpstreamError extends GatewayError {
    private final String provider;
    private final int upstreamStatus;
    private final boolean retryable;
    private final Duration retryAfter;

    public UpstreamError(String provider, int upstreamStatus, String message, String code,
                         boolean retryable, Duration retryAfter, Throwable cause) {
        super(message, code, null, cause);
        this.provider = provider;
        this.upstreamStatus = upstreamStatus;
        this.retryable = retryable;
        this.retryAfter = retryAfter;
    }

    /** A connection-level failure (refused, reset, malformed): retryable, no status. */
    public static UpstreamError connection(String provider, String message, Throwable cause) {
        return new UpstreamError(provider, 0, message, "upstream_unavailable", true, null, cause);
    }

    public String provider() {
        return provider;
    }

    public int upstreamStatus() {
        return upstreamStatus;
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    @Override
    public boolean retryable() {
        return retryable;
    }

    @Override
    public int status() {
        if (upstreamStatus == 429) {
            return 429;
        }
        if (upstreamStatus >= 400 && upstreamStatus < 500 && upstreamStatus != 408) {
            return upstreamStatus;
        }
        return 502;
    }

    @Override
    public String type() {
        return upstreamStatus == 429 ? "rate_limit_error"
                : upstreamStatus >= 400 && upstreamStatus < 500 ? "invalid_request_error" : "upstream_error";
    }
}
