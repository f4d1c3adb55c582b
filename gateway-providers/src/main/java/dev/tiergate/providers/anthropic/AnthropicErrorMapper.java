package dev.tiergate.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tiergate.core.error.GatewayError;
import dev.tiergate.core.error.TimeoutError;
import dev.tiergate.core.error.UpstreamError;
import dev.tiergate.core.json.Json;
import dev.tiergate.providers.transport.UpstreamConnectionException;
import dev.tiergate.providers.transport.UpstreamResponse;
import dev.tiergate.providers.transport.UpstreamStatusException;
import dev.tiergate.providers.transport.UpstreamTimeoutException;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.concurrent.CompletionException;

/**
 * Turns transport failures and Anthropic error bodies
 * ({@code {"type":"error","error":{"type":"rate_limit_error","message":"..."}}}) into
 * {@link GatewayError}s, keeping the provider's message; the error type becomes the code.
 * 408, 429 and 5xx (529 overloaded included) are retryable.
 */
final class AnthropicErrorMapper {
    private static final int MAX_RAW_MESSAGE = 512;
    private static final Set<String> RETRYABLE_TYPES = Set.of("overloaded_error", "api_error", "rate_limit_error",
            "timeout_error");

    private final String provider;
    private final Clock clock;

    AnthropicErrorMapper(String provider, Clock clock) {
        this.provider = provider;
        this.clock = clock;
    }

    /** Any failure of a call, as a gateway error. */
    GatewayError map(Throwable failure) {
        Throwable t = failure;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return switch (t) {
            case GatewayError e -> e;
            case UpstreamStatusException e -> fromResponse(e.response());
            case UpstreamTimeoutException e -> new TimeoutError("provider '" + provider + "' timed out: " + e.getMessage());
            case UpstreamConnectionException e -> UpstreamError.connection(provider, e.getMessage(), e);
            case IOException e -> malformed("unreadable response: " + e.getMessage(), e);
            case IllegalStateException e -> malformed(e.getMessage(), e);
            default -> GatewayError.from(t);
        };
    }

    /** A non-2xx response. */
    UpstreamError fromResponse(UpstreamResponse response) {
        int status = response.status();
        JsonNode error = errorNode(response.body());
        String message = textOrNull(error.path("message"));
        if (message == null) {
            String raw = response.bodyAsString().strip();
            message = raw.isEmpty() ? "provider '" + provider + "' answered HTTP " + status
                    : raw.substring(0, Math.min(raw.length(), MAX_RAW_MESSAGE));
        }
        boolean retryable = status == 408 || status == 429 || status >= 500;
        return new UpstreamError(provider, status, message, textOrNull(error.path("type")), retryable,
                retryAfter(response.headers()), null);
    }

    /** The data of an {@code event: error} inside a stream. */
    UpstreamError fromStreamError(JsonNode root) {
        JsonNode error = root.has("error") ? root.path("error") : root;
        String message = textOrNull(error.path("message"));
        String type = textOrNull(error.path("type"));
        return new UpstreamError(provider, 0, message != null ? message : "provider '" + provider
                + "' reported an error mid-stream", type, RETRYABLE_TYPES.contains(type), null, null);
    }

    /** The body ended before {@code message_stop}: the answer is incomplete. */
    UpstreamError truncated() {
        return new UpstreamError(provider, 0, "provider '" + provider + "' ended the stream before message_stop",
                "upstream_incomplete_stream", true, null, null);
    }

    UpstreamError malformed(String detail, Throwable cause) {
        return new UpstreamError(provider, 0, "malformed response from provider '" + provider + "': " + detail,
                "upstream_malformed_response", false, null, cause);
    }

    private static JsonNode errorNode(byte[] body) {
        try {
            JsonNode root = Json.mapper().readTree(body);
            return root == null ? Json.mapper().missingNode() : root.path("error");
        } catch (IOException e) {
            return Json.mapper().missingNode();
        }
    }

    private static String textOrNull(JsonNode node) {
        return node.isValueNode() && !node.isNull() && !node.asText().isEmpty() ? node.asText() : null;
    }

    /** {@code Retry-After} as seconds or an HTTP date; null when absent or unreadable. */
    Duration retryAfter(HttpHeaders headers) {
        String value = headers.get("retry-after");
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Duration.ofMillis(Math.max(0, Math.round(Double.parseDouble(value.strip()) * 1000)));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration wait = Duration.between(clock.instant(), at.toInstant());
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }
}
