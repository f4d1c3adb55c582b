package dev.tiergate.core.provider;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.model.EmbeddingResponse;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import reactor.core.publisher.Flux;

/**
 * An adapter that hands every call to another one (Guava's {@code ForwardingObject}): a decorator
 * extends it and overrides only the methods it changes. {@link #close()} closes the delegate.
 */
public abstract class ForwardingProviderAdapter implements ProviderAdapter {
    private final ProviderAdapter delegate;

    protected ForwardingProviderAdapter(ProviderAdapter delegate) {
        this.delegate = requireNonNull(delegate, "delegate");
    }

    /** The adapter calls are forwarded to. */
    protected final ProviderAdapter delegate() {
        return delegate;
    }

    @Override
    public String id() {
        return delegate.id();
    }

    @Override
    public Set<ProviderCapability> capabilities() {
        return delegate.capabilities();
    }

    @Override
    public CompletionStage<ChatCompletion> chat(ProviderCall call) {
        return delegate.chat(call);
    }

    @Override
    public Flux<ChatChunk> chatStream(ProviderCall call) {
        return delegate.chatStream(call);
    }

    @Override
    public CompletionStage<EmbeddingResponse> embed(EmbeddingCall call) {
        return delegate.embed(call);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
