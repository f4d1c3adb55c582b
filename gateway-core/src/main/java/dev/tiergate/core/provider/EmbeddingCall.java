package dev.tiergate.core.provider;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.config.ModelConfig;
import dev.tiergate.core.model.EmbeddingRequest;
import java.util.concurrent.ScheduledExecutorService;

/** One embeddings call; {@code request.model()} is already the upstream model name. */
public record EmbeddingCall(String requestId, EmbeddingRequest request, ModelConfig model,
                            ScheduledExecutorService executor) {
    public EmbeddingCall {
        requireNonNull(requestId, "requestId");
        requireNonNull(request, "request");
        requireNonNull(model, "model");
        requireNonNull(executor, "executor");
    }
}
