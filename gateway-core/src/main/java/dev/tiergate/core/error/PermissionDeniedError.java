package dev.tiergate.core.error;

/** HTTP 403, OpenAI type {@code permission_denied_error}. */
public final class PermissionDeniedError extends GatewayError {
    public PermissionDeniedError(String message, String code, String param) {
        super(message, code, param, null);
    }

    @Override
    public int status() {
        return 403;
    }

    @Override
    public String type() {
        return "permission_denied_error";
    }
}
