package dev.tiergate.providers.gemini;

import static dev.tiergate.providers.internal.UpstreamFailures.textOrNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tiergate.core.error.GatewayError;
import dev.tiergate.core.error.UpstreamError;
import dev.tiergate.providers.internal.UpstreamErrorMapper;
import dev.tiergate.providers.internal.UpstreamFailures;
import dev.tiergate.providers.transport.UpstreamResponse;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;

/**
 * Turns transport failures and Google API error bodies
 * ({@code {"error":{"code":429,"message":"...","status":"RESOURCE_EXHAUSTED","details":[...]}}})
 * into {@link GatewayError}s, keeping the provider's message; the status becomes the code. 408,
 * 429 and 5xx are retryable; the wait comes from {@code Retry-After}, else from a
 * {@code google.rpc.RetryInfo} detail's {@code retryDelay}.
 */
final class GeminiErrorMapper extends UpstreamErrorMapper {
    private static final Set<String> RETRYABLE_STATUSES = Set.of("RESOURCE_EXHAUSTED", "UNAVAILABLE", "INTERNAL",
            "DEADLINE_EXCEEDED");

    GeminiErrorMapper(String provider, Clock clock) {
        super(provider, clock);
    }

    @Override
    public UpstreamError fromResponse(UpstreamResponse response) {
        JsonNode error = errorNode(response.body());
        Duration retryAfter = retryAfter(response.headers());
        return failures.fromStatus(response, textOrNull(error.path("message")), textOrNull(error.path("status")),
                retryAfter != null ? retryAfter : retryDelay(error));
    }

    /** An {@code {"error":...}} payload inside a stream. */
    UpstreamError fromStreamError(JsonNode root) {
        JsonNode error = root.path("error");
        String status = textOrNull(error.path("status"));
        return failures.midStream(textOrNull(error.path("message")), status, RETRYABLE_STATUSES.contains(status),
                retryDelay(error));
    }

    /** The body ended before every candidate had a finish reason: the answer is incomplete. */
    UpstreamError truncated() {
        return failures.truncated("a finish reason");
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

    /** {@code Retry-After} as seconds or an HTTP date; null when absent or unreadable. */
    Duration retryAfter(HttpHeaders headers) {
        return failures.retryAfter(headers);
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
}
