package dev.tiergate.server.messages;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * A validated Anthropic Messages request: the model asked for, whether it streams, the body as the
 * client sent it, and the Anthropic headers it came with ({@code anthropic-version},
 * {@code anthropic-beta}), which an Anthropic upstream gets too.
 */
public record MessagesRequest(String model, boolean stream, ObjectNode body, Map<String, String> headers) {
    public MessagesRequest {
        requireNonNull(model, "model");
        requireNonNull(body, "body");
        headers = Map.copyOf(headers);
    }
}
