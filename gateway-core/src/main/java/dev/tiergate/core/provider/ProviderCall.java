package dev.tiergate.core.provider;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.config.ModelConfig;
import dev.tiergate.core.model.ChatRequest;
import java.util.concurrent.ScheduledExecutorService;

/**
 * One call to a provider. {@code request.model()} is already the upstream model name;
 * {@code executor} is the caller's event loop: adapters run their I/O and callbacks there.
 * {@code passThrough}, null unless the client speaks OpenAI chat completions, lets an adapter that
 * speaks it too forward bytes instead of re-encoding ({@link PassThrough}); others ignore it.
 */
public record ProviderCall(String requestId, ChatRequest request, ModelConfig model,
                           ScheduledExecutorService executor, PassThrough passThrough) {
    public ProviderCall {
        requireNonNull(requestId, "requestId");
        requireNonNull(request, "request");
        requireNonNull(model, "model");
        requireNonNull(executor, "executor");
    }

    /** A call without bytes to pass through. */
    public ProviderCall(String requestId, ChatRequest request, ModelConfig model, ScheduledExecutorService executor) {
        this(requestId, request, model, executor, null);
    }
}
