package dev.tiergate.server.http;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.tokens.TokenCounter;
import dev.tiergate.server.responses.ResponseStore;

/**
 * What the Responses API's endpoints share beyond the serving state, for as long as the gateway
 * runs: where stored responses are kept, and the token counter of {@code input_tokens}.
 */
public record ResponsesServices(ResponseStore store, TokenCounter tokens) {
    public ResponsesServices {
        requireNonNull(store, "store");
        requireNonNull(tokens, "tokens");
    }
}
