package dev.tiergate.core.provider;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.config.ModelConfig;
import dev.tiergate.core.model.ChatRequest;
import java.util.concurrent.ScheduledExecutorService;

/**
 * One call to a provider. {@code request.model()} is already the upstream model name;
 * {@code executor} is the caller's event loop: adapters run their I/O and callbacks there.
 */
public record ProviderCall(String requestId, ChatRequest request, ModelConfig model,
                           ScheduledExecutorService executor) {
    public ProviderCall {
        requireNonNull(requestId, "requestId");
        requireNonNull(request, "request");
        requireNonNull(model, "model");
        requireNonNull(executor, "executor");
    }
}
