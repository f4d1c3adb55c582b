package dev.tiergate.server.messages;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.core.error.AuthenticationError;
import dev.tiergate.core.error.ConflictError;
import dev.tiergate.core.error.GatewayError;
import dev.tiergate.core.error.InternalGatewayError;
import dev.tiergate.core.error.InvalidRequestError;
import dev.tiergate.core.error.NotFoundError;
import dev.tiergate.core.error.OverloadedError;
import dev.tiergate.core.error.PayloadTooLargeError;
import dev.tiergate.core.error.PermissionDeniedError;
import dev.tiergate.core.error.RateLimitedError;
import dev.tiergate.core.error.TimeoutError;
import dev.tiergate.core.error.UpstreamError;

/**
 * Gateway errors as Anthropic reports errors: {@code {"type":"error","error":{"type","message"}}}
 * with Anthropic's status for each kind: 400 {@code invalid_request_error}, 401
 * {@code authentication_error}, 403 {@code permission_error}, 404 {@code not_found_error}, 413
 * {@code request_too_large}, 429 {@code rate_limit_error}, 500 {@code api_error}, 504
 * {@code timeout_error}, 529 {@code overloaded_error} (the gateway's own overload, and an upstream's
 * 503 or 529). An upstream's 4xx keeps its status; its other failures are 500 {@code api_error}.
 */
public final class AnthropicErrors {
    private AnthropicErrors() {
    }

    /** The error object, also the {@code error} event of a stream. */
    public static ObjectNode body(GatewayError error) {
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("type", "error");
        body.putObject("error").put("type", type(error)).put("message", error.getMessage());
        return body;
    }

    public static int status(GatewayError error) {
        return switch (error) {
            case OverloadedError o -> 529;
            case UpstreamError u when u.upstreamStatus() == 529 || u.upstreamStatus() == 503 -> 529;
            case UpstreamError u when u.status() >= 500 -> 500;
            default -> error.status();
        };
    }

    static String type(GatewayError error) {
        return switch (error) {
            case InvalidRequestError e -> "invalid_request_error";
            case ConflictError e -> "invalid_request_error";
            case AuthenticationError e -> "authentication_error";
            case PermissionDeniedError e -> "permission_error";
            case NotFoundError e -> "not_found_error";
            case PayloadTooLargeError e -> "request_too_large";
            case RateLimitedError e -> "rate_limit_error";
            case OverloadedError e -> "overloaded_error";
            case TimeoutError e -> "timeout_error";
            case InternalGatewayError e -> "api_error";
            case UpstreamError u -> switch (status(u)) {
                case 400, 422 -> "invalid_request_error";
                case 401 -> "authentication_error";
                case 403 -> "permission_error";
                case 404 -> "not_found_error";
                case 413 -> "request_too_large";
                case 429 -> "rate_limit_error";
                case 529 -> "overloaded_error";
                default -> "api_error";
            };
        };
    }
}
