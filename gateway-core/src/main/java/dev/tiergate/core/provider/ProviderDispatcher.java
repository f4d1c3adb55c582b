package dev.tiergate.core.provider;

import dev.tiergate.core.config.ModelConfig;
import dev.tiergate.core.error.InternalGatewayError;
import dev.tiergate.core.pipeline.Attributes;
import dev.tiergate.core.pipeline.ChatExchange;
import dev.tiergate.core.pipeline.ChatHandler;
import dev.tiergate.core.pipeline.ChatResult;
import dev.tiergate.core.pipeline.ResultMetadata;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The end of the pipeline: resolves the requested model (an alias through the tier a router
 * chose) and calls the adapter of the provider that serves it.
 */
public final class ProviderDispatcher implements ChatHandler {
    private final ModelCatalog catalog;
    private final Map<String, ProviderAdapter> adapters;

    public ProviderDispatcher(ModelCatalog catalog, Map<String, ProviderAdapter> adapters) {
        this.catalog = catalog;
        this.adapters = Map.copyOf(adapters);
    }

    @Override
    public CompletionStage<ChatResult> handle(ChatExchange exchange) {
        ModelCatalog.Resolution resolution = catalog.resolveChat(
                exchange.caller().team(), exchange.request().model(), exchange.attribute(Attributes.TIER));
        ModelConfig model = resolution.candidates().getFirst();
        ProviderAdapter adapter = adapters.get(model.provider());
        if (adapter == null) {
            return CompletableFuture.failedFuture(new InternalGatewayError(
                    "no adapter for provider '" + model.provider() + "'", null));
        }
        ProviderCall call = new ProviderCall(exchange.requestId(),
                exchange.request().withModel(model.upstreamModel()), model, exchange.executor());
        ResultMetadata metadata = ResultMetadata.of(adapter.id(), model.name()).withTier(resolution.tier());
        if (exchange.request().isStream()) {
            return CompletableFuture.completedFuture(new ChatResult.Streaming(adapter.chatStream(call), metadata));
        }
        return adapter.chat(call).thenApply(completion -> new ChatResult.Complete(completion, metadata));
    }
}
