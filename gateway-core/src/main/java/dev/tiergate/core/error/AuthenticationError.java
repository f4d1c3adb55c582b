package dev.tiergate.core.error;

/** HTTP 401, OpenAI type {@code authentication_error}. */
public final class AuthenticationError extends GatewayError {
    public AuthenticationError(String message, String code, String param) {
        super(message, code, param, null);
    }

    @Override
    public int status() {
        return 401;
    }

    @Override
    public String type() {
        return "authentication_error";
    }
}
