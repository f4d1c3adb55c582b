package dev.tiergate.core.error;

/** HTTP 404, OpenAI type {@code invalid_request_error}. */
public final class NotFoundError extends GatewayError {
    public NotFoundError(String message, String code, String param) {
        super(message, code, param, null);
    }

    @Override
    public int status() {
        return 404;
    }

    @Override
    public String type() {
        return "invalid_request_error";
    }
}
