package dev.tiergate.providers.internal;

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
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * What every provider's error mapper shares: transport failures as gateway errors, the error of a
 * non-2xx answer (the provider's message kept, 408, 429 and 5xx retryable), {@code Retry-After},
 * malformed and truncated answers. Each adapter adds how its provider writes an error body.
 */
public final class UpstreamFailures {
    private static final int MAX_RAW_MESSAGE = 512;

    private final String provider;
    private final Clock clock;

    /** {@code clock} reads Retry-After dates. */
    public UpstreamFailures(String provider, Clock clock) {
        this.provider = provider;
        this.clock = clock;
    }

    /** Any failure of a call, as a gateway error; a non-2xx answer goes to {@code fromResponse}. */
    public GatewayError map(Throwable failure, Function<UpstreamResponse, UpstreamError> fromResponse) {
        Throwable t = failure;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return switch (t) {
            case GatewayError e -> e;
            case UpstreamStatusException e -> fromResponse.apply(e.response());
            case UpstreamTimeoutException e -> new TimeoutError("provider '" + provider + "' timed out: " + e.getMessage());
            case UpstreamConnectionException e -> UpstreamError.connection(provider, e.getMessage(), e);
            case IOException e -> malformed("unreadable response: " + e.getMessage(), e);
            case IllegalStateException e -> malformed(e.getMessage(), e);
            default -> GatewayError.from(t);
        };
    }

    /**
     * The error of a non-2xx answer: {@code message} from its body, else the body itself (cut), else
     * the status; retryable for 408, 429 and 5xx.
     */
    public UpstreamError fromStatus(UpstreamResponse response, String message, String code, Duration retryAfter) {
        int status = response.status();
        if (message == null) {
            String raw = response.bodyAsString().strip();
            message = raw.isEmpty() ? "provider '" + provider + "' answered HTTP " + status
                    : raw.substring(0, Math.min(raw.length(), MAX_RAW_MESSAGE));
        }
        boolean retryable = status == 408 || status == 429 || status >= 500;
        return new UpstreamError(provider, status, message, code, retryable, retryAfter, null);
    }

    /** An error event inside a stream; {@code message} null: a generic one. */
    public UpstreamError midStream(String message, String code, boolean retryable, Duration retryAfter) {
        return new UpstreamError(provider, 0, message != null ? message : "provider '" + provider
                + "' reported an error mid-stream", code, retryable, retryAfter, null);
    }

    /** The body ended before {@code what}: the answer is incomplete (retryable). */
    public UpstreamError truncated(String what) {
        return new UpstreamError(provider, 0, "provider '" + provider + "' ended the stream before " + what,
                "upstream_incomplete_stream", true, null, null);
    }

    public UpstreamError malformed(String detail, Throwable cause) {
        return new UpstreamError(provider, 0, "malformed response from provider '" + provider + "': " + detail,
                "upstream_malformed_response", false, null, cause);
    }

    /** The {@code error} object of a JSON body ({@code {"error":{...}}}); missing when there is none. */
    public static JsonNode errorObject(byte[] body) {
        try {
            JsonNode root = Json.mapper().readTree(body);
            return root == null ? Json.mapper().missingNode() : root.path("error");
        } catch (IOException e) {
            return Json.mapper().missingNode();
        }
    }

    /** A non-empty text value, else null. */
    public static String textOrNull(JsonNode node) {
        return node.isValueNode() && !node.isNull() && !node.asText().isEmpty() ? node.asText() : null;
    }

    /** {@code Retry-After} as seconds or an HTTP date; null when absent or unreadable. */
    public Duration retryAfter(HttpHeaders headers) {
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
