package dev.tiergate.providers.anthropic;

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
import java.util.Set;

/**
 * Turns transport failures and Anthropic error bodies
 * ({@code {"type":"error","error":{"type":"rate_limit_error","message":"..."}}}) into
 * {@link GatewayError}s, keeping the provider's message; the error type becomes the code.
 * 408, 429 and 5xx (529 overloaded included) are retryable.
 */
final class AnthropicErrorMapper extends UpstreamErrorMapper {
    private static final Set<String> RETRYABLE_TYPES = Set.of("overloaded_error", "api_error", "rate_limit_error",
            "timeout_error");

    AnthropicErrorMapper(String provider, Clock clock) {
        super(provider, clock);
    }

    @Override
    public UpstreamError fromResponse(UpstreamResponse response) {
        JsonNode error = UpstreamFailures.errorObject(response.body());
        return failures.fromStatus(response, textOrNull(error.path("message")), textOrNull(error.path("type")),
                retryAfter(response.headers()));
    }

    /** The data of an {@code event: error} inside a stream. */
    UpstreamError fromStreamError(JsonNode root) {
        JsonNode error = root.has("error") ? root.path("error") : root;
        String type = textOrNull(error.path("type"));
        return failures.midStream(textOrNull(error.path("message")), type, RETRYABLE_TYPES.contains(type), null);
    }

    /** The body ended before {@code message_stop}: the answer is incomplete. */
    UpstreamError truncated() {
        return failures.truncated("message_stop");
    }

    /** {@code Retry-After} as seconds or an HTTP date; null when absent or unreadable. */
    Duration retryAfter(HttpHeaders headers) {
        return failures.retryAfter(headers);
    }
}
