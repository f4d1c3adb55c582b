package dev.tiergate.server.http;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.pipeline.Pipeline;
import dev.tiergate.core.provider.ModelCatalog;
import dev.tiergate.server.auth.ApiKeyAuthenticator;
import dev.tiergate.server.responses.ResponsesPassthrough;
import java.time.Duration;

/**
 * What serves requests under one config: keys, models, the paid pipelines and each request's time
 * budget; {@code responsesPassthrough} (null when no provider serves the Responses API itself) the
 * pipeline of Responses requests sent upstream as they are. Endpoints read the current state once per request, so a request finishes on the state it
 * started with while a config reload swaps in the next one.
 */
public record ServingState(ApiKeyAuthenticator authenticator, ModelCatalog catalog, Pipeline chat,
                           Pipeline embeddings, Duration deadline, ResponsesPassthrough.Route responsesPassthrough) {
    public ServingState {
        requireNonNull(authenticator, "authenticator");
        requireNonNull(catalog, "catalog");
        requireNonNull(chat, "chat");
        requireNonNull(embeddings, "embeddings");
        requireNonNull(deadline, "deadline");
    }

    /** A state without a Responses pass-through provider. */
    public ServingState(ApiKeyAuthenticator authenticator, ModelCatalog catalog, Pipeline chat, Pipeline embeddings,
                        Duration deadline) {
        this(authenticator, catalog, chat, embeddings, deadline, null);
    }
}
