package dev.tiergate.core.error;

import static java.util.Objects.requireNonNull;

/**
 * Every failure the gateway reports to a client. Each kind knows its HTTP status and its OpenAI
 * error {@code type} and {@code code}; {@link OpenAiErrorBody} renders it. No stack traces are
 * captured: these are expected outcomes, not bugs.
 */
public abstract sealed class GatewayError extends RuntimeException
        permits InvalidRequestError, AuthenticationError, PermissionDeniedError, NotFoundError, ConflictError,
                PayloadTooLargeError, RateLimitedError, OverloadedError, UpstreamError, TimeoutError,
                InternalGatewayError {

    private final String code;
    private final String param;

    protected GatewayError(String message, String code, String param, Throwable cause) {
        super(requireNonNull(message, "message"), cause, false, false);
        this.code = code;
        this.param = param;
    }

    /** HTTP status sent to the client. */
    public abstract int status();

    /** OpenAI error {@code type}, e.g. {@code invalid_request_error}. */
    public abstract String type();

    /** OpenAI error {@code code}, e.g. {@code model_not_found}; may be null. */
    public String code() {
        return code;
    }

    /** The request field at fault, e.g. {@code messages[0].role}; may be null. */
    public String param() {
        return param;
    }

    /** Whether another attempt (same or other deployment) may succeed. */
    public boolean retryable() {
        return false;
    }

    /** Wraps any throwable as a gateway error, keeping gateway errors as they are. */
    public static GatewayError from(Throwable t) {
        Throwable cause = unwrap(t);
        if (cause instanceof GatewayError error) {
            return error;
        }
        return new InternalGatewayError("internal error: " + cause.getClass().getSimpleName(), cause);
    }

    /** What a future's {@code CompletionException} or {@code ExecutionException} wraps. */
    public static Throwable unwrap(Throwable t) {
        Throwable cause = t;
        while ((cause instanceof java.util.concurrent.CompletionException
                || cause instanceof java.util.concurrent.ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
