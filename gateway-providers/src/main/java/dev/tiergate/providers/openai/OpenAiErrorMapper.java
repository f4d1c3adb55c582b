package dev.tiergate.providers.openai;

import static dev.tiergate.providers.internal.UpstreamFailures.textOrNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tiergate.core.error.GatewayError;
import dev.tiergate.core.error.UpstreamError;
import dev.tiergate.providers.internal.UpstreamErrorMapper;
import dev.tiergate.providers.internal.UpstreamFailures;
import dev.tiergate.providers.transport.UpstreamResponse;
import io.netty.handler.codec.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;

/**
 * Turns transport failures and OpenAI error bodies ({@code {"error":{"message","type","code"}}})
 * into {@link GatewayError}s, keeping the provider's message and code.
 */
final class OpenAiErrorMapper extends UpstreamErrorMapper {
    OpenAiErrorMapper(String provider, Clock clock) {
        super(provider, clock);
    }

    @Override
    public UpstreamError fromResponse(UpstreamResponse response) {
        JsonNode error = UpstreamFailures.errorObject(response.body());
        return failures.fromStatus(response, textOrNull(error.path("message")), code(error),
                retryAfter(response.headers()));
    }

    /** An {@code {"error":...}} object sent inside a stream. */
    UpstreamError fromStreamError(JsonNode root) {
        JsonNode error = root.has("error") ? root.path("error") : root;
        String type = textOrNull(error.path("type"));
        boolean retryable = "server_error".equals(type) || "rate_limit_error".equals(type);
        return failures.midStream(textOrNull(error.path("message")), code(error), retryable, null);
    }

    private static String code(JsonNode error) {
        String code = textOrNull(error.path("code"));
        return code != null ? code : textOrNull(error.path("type"));
    }

    /** {@code retry-after-ms}, else {@code Retry-After} as seconds or an HTTP date; null when absent or unreadable. */
    Duration retryAfter(HttpHeaders headers) {
        String millis = headers.get("retry-after-ms");
        if (millis != null) {
            try {
                return Duration.ofMillis(Math.max(0, Math.round(Double.parseDouble(millis.strip()))));
            } catch (NumberFormatException ignored) {
                // fall through to Retry-After
            }
        }
        return failures.retryAfter(headers);
    }
}
