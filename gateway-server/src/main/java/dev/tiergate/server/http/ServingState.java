package dev.tiergate.server.http;

import static java.util.Objects.requireNonNull;

import dev.tiergate.cache.exact.EmbeddingCache;
import dev.tiergate.core.pipeline.ChatHandler;
import dev.tiergate.core.provider.ModelCatalog;
import dev.tiergate.core.provider.ProviderAdapter;
import dev.tiergate.server.auth.ApiKeyAuthenticator;
import java.util.Map;

/**
 * What serves requests under one config: keys, models, the pipeline and the adapters. Endpoints
 * read the current state once per request, so a request finishes on the state it started with
 * while a config reload swaps in the next one. {@code embeddingCache} is the per-input exact cache
 * of {@code /v1/embeddings} (null when the exact cache is off).
 */
public record ServingState(ApiKeyAuthenticator authenticator, ModelCatalog catalog, ChatHandler pipeline,
                           Map<String, ProviderAdapter> adapters, EmbeddingCache embeddingCache) {
    public ServingState(ApiKeyAuthenticator authenticator, ModelCatalog catalog, ChatHandler pipeline,
                        Map<String, ProviderAdapter> adapters) {
        this(authenticator, catalog, pipeline, adapters, null);
    }

    public ServingState {
        requireNonNull(authenticator, "authenticator");
        requireNonNull(catalog, "catalog");
        requireNonNull(pipeline, "pipeline");
        adapters = Map.copyOf(adapters);
    }
}
