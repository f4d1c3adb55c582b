package dev.tiergate.providers.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tiergate.core.error.GatewayError;
import dev.tiergate.core.error.TimeoutError;
import dev.tiergate.core.error.UpstreamError;
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
 * Turns transport failures and Google API error bodies
 * ({@code {"error":{"code":429,"message":"...","status":"RESOURCE_EXHAUSTED","details":[...]}}})
 * into {@link GatewayError}s, keeping the provider's message; the status becomes the code. 408,
 * 429 and 5xx are retryable; the wait comes from {@code Retry-After}, else from a
 * {@code google.rpc.RetryInfo} detail's {@code retryDelay}.
 */
final class GeminiErrorMapper {
    private static final int MAX_RAW_MESSAGE = 512;
    private static final Set<String> RETRYABLE_STATUSES = Set.of("RESOURCE_EXHAUSTED", "UNAVAILABLE", "INTERNAL",
            "DEADLINE_EXCEEDED");

    private final String provider;
    private final Clock clock;

    GeminiErrorMapper(String provider, Clock clock) {
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
        Duration retryAfter = retryAfter(response.headers());
        return new UpstreamError(provider, status, message, textOrNull(error.path("status")), retryable,
                retryAfter != null ? retryAfter : retryDelay(error), null);
    }

    /** An {@code {"error":...}} payload inside a stream. */
    UpstreamError fromStreamError(JsonNode root) {
        JsonNode error = root.path("error");
        String message = textOrNull(error.path("message"));
        String status = textOrNull(error.path("status"));
        return new UpstreamError(provider, 0, message != null ? message : "provider '" + provider
                + "' reported an error mid-stream", status, RETRYABLE_STATUSES.contains(status), retryDelay(error), null);
    }

    /** The body ended before every candidate had a finish reason: the answer is incomplete. */
    UpstreamError truncated() {
        return new UpstreamError(provider, 0, "provider '" + provider + "' ended the stream before a finish reason",
                "upstream_incomplete_stream", true, null, null);
    }

    UpstreamError malformed(String detail, Throwable cause) {
        return new UpstreamError(provider, 0, "malformed response from provider '" + provider + "': " + detail,
                "upstream_malformed_response", false, null, cause);
    }

    private static JsonNode errorNode(byte[] body) {
        try {
            JsonNode root = GeminiWire.mapper().readTree(body);
            // a streaming call's error body is a one-element JSON array
            JsonNode first = root != null && root.isArray() ? root.path(0) : root;
            return first == null ? GeminiWire.mapper().missingNode() : first.path("error");
        } catch (IOException e) {
            return GeminiWire.mapper().missingNode();
        }
    }

    private static String textOrNull(JsonNode node) {
        return node.isValueNode() && !node.isNull() && !node.asText().isEmpty() ? node.asText() : null;
    }

    /** {@code retryDelay} ("30s", "1.5s") of a RetryInfo detail; null when there is none. */
    static Duration retryDelay(JsonNode error) {
        for (JsonNode detail : error.path("details")) {
            String delay = detail.path("retryDelay").asText("");
            if (detail.path("@type").asText().endsWith("google.rpc.RetryInfo") && delay.endsWith("s")) {
                try {
                    double seconds = Double.parseDouble(delay.substring(0, delay.length() - 1));
                    return Duration.ofMillis(Math.max(0, Math.round(seconds * 1000)));
                } catch (NumberFormatException e) {
                    return null;
                }
            }
        }
        return null;
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
