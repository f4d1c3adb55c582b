package dev.tiergate.server.http;

import dev.tiergate.cache.exact.EmbeddingCache;
import dev.tiergate.core.config.ModelConfig;
import dev.tiergate.core.error.UpstreamError;
import dev.tiergate.core.model.EmbeddingResponse;
import dev.tiergate.core.pipeline.CacheOutcome;
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

/**
 * {@code POST /v1/embeddings}: passed to the provider that serves the named embedding model. With
 * the exact cache on, each input string is looked up on its own: only the inputs not stored go
 * upstream ({@code x-tiergate-cache: hit} when none had to, else {@code miss}, with
 * {@code x-tiergate-cache-hits: stored/total}); {@code usage} is what the upstream call billed.
 */
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
        EmbeddingCache cache = serving.embeddingCache();
        EmbeddingCache.Lookup lookup = cache == null ? null
                : cache.lookup(caller, model.name(), request, exchange.request::header);
        if (lookup != null && lookup.complete()) {
            respond(exchange, lookup.answerFromCache(model.upstreamModel()),
                    ResultMetadata.of(adapter.id(), model.name()).withCache(CacheOutcome.HIT)
                            .withHeader("x-tiergate-cache-hits", lookup.hits() + "/" + lookup.size()));
            return;
        }
        EmbeddingRequest upstream = lookup == null ? request : lookup.upstreamRequest(request);
        CacheOutcome outcome = cache == null ? null : lookup == null ? CacheOutcome.BYPASS : CacheOutcome.MISS;
        adapter.embed(new EmbeddingCall(exchange.requestId, upstream.withModel(model.upstreamModel()), model,
                        exchange.eventLoop()))
                .toCompletableFuture()
                .orTimeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((response, error) -> exchange.onLoop(() -> {
                    if (error != null) {
                        exchange.fail(error);
                        return;
                    }
                    ResultMetadata metadata = ResultMetadata.of(adapter.id(), model.name()).withCache(outcome);
                    EmbeddingResponse answer = response;
                    if (lookup != null) {
                        try {
                            answer = lookup.complete(response);
                        } catch (IllegalStateException e) {
                            exchange.fail(new UpstreamError(adapter.id(), 502, e.getMessage(), "upstream_malformed",
                                    false, null, e));
                            return;
                        }
                        metadata = metadata.withHeader("x-tiergate-cache-hits", lookup.hits() + "/" + lookup.size());
                    }
                    respond(exchange, answer, metadata);
                }));
    }

    private static void respond(ServerExchange exchange, EmbeddingResponse answer, ResultMetadata metadata) {
        var res = HttpResponses.json(HttpResponseStatus.OK, answer, exchange.requestId);
        HttpResponses.addMetadata(res.headers(), metadata);
        exchange.respond(res, "embeddings provider=" + metadata.provider());
    }
}
