package dev.tiergate.server.http;

import dev.tiergate.core.config.ModelConfig;
import dev.tiergate.core.error.InternalGatewayError;
import dev.tiergate.core.model.ChatRequestParser;
import dev.tiergate.core.model.EmbeddingRequest;
import dev.tiergate.core.pipeline.Caller;
import dev.tiergate.core.pipeline.ResultMetadata;
import dev.tiergate.core.provider.EmbeddingCall;
import dev.tiergate.core.provider.ProviderAdapter;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** {@code POST /v1/embeddings}: passed to the provider that serves the named embedding model. */
final class EmbeddingsEndpoint implements Endpoint {
    private final Supplier<ServingState> state;
    private final Duration requestTimeout;

    EmbeddingsEndpoint(Supplier<ServingState> state, Duration requestTimeout) {
        this.state = state;
        this.requestTimeout = requestTimeout;
    }

    @Override
    public void handle(ServerExchange exchange) {
        ServingState serving = state.get();
        Caller caller = serving.authenticator().authenticate(exchange.request.header("authorization"));
        EmbeddingRequest request = ChatRequestParser.parseEmbedding(exchange.request.body());
        exchange.describe(caller.teamId(), request.model());
        ModelConfig model = serving.catalog().resolveEmbedding(caller.team(), request.model());
        ProviderAdapter adapter = serving.adapters().get(model.provider());
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
