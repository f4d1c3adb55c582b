package dev.tiergate.core.error;

/** HTTP 413, OpenAI type {@code invalid_request_error}. */
public final class PayloadTooLargeError extends GatewayError {
    public PayloadTooLargeError(String message, String code, String param) {
        super(message, code, param, null);
    }

    @Override
    public int status() {
        return 413;
    }

    @Override
    public String type() {
        return "invalid_request_error";
    }
}
