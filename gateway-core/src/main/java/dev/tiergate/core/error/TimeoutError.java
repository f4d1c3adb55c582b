package dev.tiergate.core.error;

/** HTTP 504: the provider did not answer within the configured time. */
public final class TimeoutError extends GatewayError {
    public TimeoutError(String message) {
        super(message, "upstream_timeout", null, null);
    }

    @Override
    public boolean retryable() {
        return true;
    }

    @Override
    public int status() {
        return 504;
    }

    @Override
    public String type() {
        return "timeout_error";
    }
}
