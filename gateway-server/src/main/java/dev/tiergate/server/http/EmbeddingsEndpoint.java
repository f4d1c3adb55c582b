package dev.tiergate.server.http;

import dev.tiergate.core.config.ModelConfig;
import dev.tiergate.core.error.InternalGatewayError;
import dev.tiergate.core.model.ChatRequestParser;
import dev.tiergate.core.model.EmbeddingRequest;
import dev.tiergate.core.pipeline.Caller;
import dev.tiergate.core.pipeline.ResultMetadata;
import dev.tiergate.core.provider.EmbeddingCall;
import dev.tiergate.core.provider.ModelCatalog;
import dev.tiergate.core.provider.ProviderAdapter;
import dev.tiergate.server.auth.ApiKeyAuthenticator;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** {@code POST /v1/embeddings}: passed to the provider that serves the named embedding model. */
final class EmbeddingsEndpoint implements Endpoint {
    private final ApiKeyAuthenticator authenticator;
    private final ModelCatalog catalog;
    private final Map<String, ProviderAdapter> adapters;
    private final Duration requestTimeout;

    EmbeddingsEndpoint(ApiKeyAuthenticator authenticator, ModelCatalog catalog, Map<String, ProviderAdapter> adapters,
                       Duration requestTimeout) {
        this.authenticator = authenticator;
        this.catalog = catalog;
        this.adapters = Map.copyOf(adapters);
        this.requestTimeout = requestTimeout;
    }

    @Override
    public void handle(ServerExchange exchange) {
        Caller caller = authenticator.authenticate(exchange.request.header("authorization"));
        EmbeddingRequest request = ChatRequestParser.parseEmbedding(exchange.request.body());
        exchange.describe(caller.teamId(), request.model());
        ModelConfig model = catalog.resolveEmbedding(caller.team(), request.model());
        ProviderAdapter adapter = adapters.get(model.provider());
        if (adapter == null) {
            throw new InternalGatewayError("no adapter for provider '" + model.provider() + "'", null);
        }
        adapter.embed(new EmbeddingCall(exchange.requestId, request.withModel(model.upstreamModel()), model,
                        exchange.eventLoop()))
                .toCompletableFuture()
                .orTimeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((response, error) -> exchange.onLoop(() -> {
                    if (error != null) {
                        exchange.fail(error);
                        return;
                    }
                    var res = HttpResponses.json(HttpResponseStatus.OK, response, exchange.requestId);
                    HttpResponses.addMetadata(res.headers(), ResultMetadata.of(adapter.id(), model.name()));
                    exchange.respond(res, "embeddings provider=" + adapter.id());
                }));
    }
}
