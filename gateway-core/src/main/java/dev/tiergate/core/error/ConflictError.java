package dev.tiergate.core.error;

/** HTTP 409, OpenAI type {@code invalid_request_error}: the request conflicts with what was done before (a second score). */
public final class ConflictError extends GatewayError {
    public ConflictError(String message, String code, String param) {
        super(message, code, param, null);
    }

    @Override
    public int status() {
        return 409;
    }

    @Override
    public String type() {
        return "invalid_request_error";
    }
}
