package dev.tiergate.core.error;

/** HTTP 400, OpenAI type {@code invalid_request_error}. */
public final class InvalidRequestError extends GatewayError {
    public InvalidRequestError(String message, String code, String param) {
        super(message, code, param, null);
    }

    @Override
    public int status() {
        return 400;
    }

    @Override
    public String type() {
        return "invalid_request_error";
    }
}
