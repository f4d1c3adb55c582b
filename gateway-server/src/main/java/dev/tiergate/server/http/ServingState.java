package dev.tiergate.server.http;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.pipeline.Pipeline;
import dev.tiergate.core.provider.ModelCatalog;
import dev.tiergate.server.auth.ApiKeyAuthenticator;
import java.time.Duration;

/**
 * What serves requests under one config: keys, models, the paid pipelines and each request's time
 * budget. Endpoints read the current state once per request, so a request finishes on the state it
 * started with while a config reload swaps in the next one. {@code semanticCache}: what the usage
 * report shows of a team's semantic cache (its online verification).
 */
public record ServingState(ApiKeyAuthenticator authenticator, ModelCatalog catalog, Pipeline chat,
                           Pipeline embeddings, Duration deadline, SemanticCacheReport semanticCache) {
    public ServingState {
        requireNonNull(authenticator, "authenticator");
        requireNonNull(catalog, "catalog");
        requireNonNull(chat, "chat");
        requireNonNull(embeddings, "embeddings");
        requireNonNull(deadline, "deadline");
        requireNonNull(semanticCache, "semanticCache");
    }
}
