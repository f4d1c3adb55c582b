package dev.tiergate.core.error;

/** HTTP 500: a bug or an unexpected state in the gateway itself. */
public final class InternalGatewayError extends GatewayError {
    public InternalGatewayError(String message, Throwable cause) {
        super(message, "internal_error", null, cause);
    }

    @Override
    public int status() {
        return 500;
    }

    @Override
    public String type() {
        return "server_error";
    }
}
