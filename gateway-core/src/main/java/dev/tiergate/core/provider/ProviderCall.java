package dev.tiergate.core.provider;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.config.ModelConfig;
import dev.tiergate.core.model.ChatRequest;
import java.util.concurrent.ScheduledExecutorService;

/**
 * One call to a provider. {@code request.model()} is already the upstream model name;
 * {@code executor} is the caller's event loop: adapters run their I/O and callbacks there;
 * {@code promptCaching} says how the adapter may use the provider's prompt cache;
 * {@code passThrough}, null unless the client speaks OpenAI chat completions, lets an adapter that
 * speaks it too forward bytes instead of re-encoding ({@link PassThrough}); others ignore it.
 */
public record ProviderCall(String requestId, ChatRequest request, ModelConfig model,
                           ScheduledExecutorService executor, PromptCaching promptCaching, PassThrough passThrough) {
    public ProviderCall {
        requireNonNull(requestId, "requestId");
        requireNonNull(request, "request");
        requireNonNull(model, "model");
        requireNonNull(executor, "executor");
        promptCaching = promptCaching == null ? PromptCaching.NONE : promptCaching;
    }

    /** A call that leaves the provider's prompt cache alone ({@link PromptCaching#NONE}), without bytes to pass through. */
    public ProviderCall(String requestId, ChatRequest request, ModelConfig model, ScheduledExecutorService executor) {
        this(requestId, request, model, executor, PromptCaching.NONE, null);
    }

    /** A call without bytes to pass through. */
    public ProviderCall(String requestId, ChatRequest request, ModelConfig model, ScheduledExecutorService executor,
                        PromptCaching promptCaching) {
        this(requestId, request, model, executor, promptCaching, null);
    }

    /** A call that leaves the provider's prompt cache alone. */
    public ProviderCall(String requestId, ChatRequest request, ModelConfig model, ScheduledExecutorService executor,
                        PassThrough passThrough) {
        this(requestId, request, model, executor, PromptCaching.NONE, passThrough);
    }
}
