package dev.tiergate.server;

import dev.tiergate.core.error.GatewayError;
import dev.tiergate.core.error.UpstreamError;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.model.EmbeddingResponse;
import dev.tiergate.core.provider.EmbeddingCall;
import dev.tiergate.core.provider.ForwardingProviderAdapter;
import dev.tiergate.core.provider.ProviderAdapter;
import dev.tiergate.core.provider.ProviderCall;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import reactor.core.publisher.Flux;

/**
 * Keeps a provider's own API key out of its errors. Adapters pass on the provider's error message,
 * and a provider or a proxy in front of it may echo the key it was sent ("Incorrect API key
 * provided: sk-..."); this takes the key out before the error reaches the client or a log.
 */
final class KeyRedactingAdapter extends ForwardingProviderAdapter {
    /** Shorter keys (placeholders such as "none" for a local server) are not secrets worth garbling messages for. */
    private static final int MIN_SECRET_LENGTH = 8;
    private static final String REDACTED = "[redacted]";

    private final String secret;

    private KeyRedactingAdapter(ProviderAdapter delegate, String secret) {
        super(delegate);
        this.secret = secret;
    }

    /** {@code adapter} itself when there is no key to hide, else the adapter wrapped. */
    static ProviderAdapter of(ProviderAdapter adapter, String apiKey) {
        return apiKey == null || apiKey.length() < MIN_SECRET_LENGTH ? adapter : new KeyRedactingAdapter(adapter, apiKey);
    }

    @Override
    public CompletionStage<ChatCompletion> chat(ProviderCall call) {
        return super.chat(call).exceptionallyCompose(e -> CompletableFuture.failedStage(redact(e)));
    }

    @Override
    public Flux<ChatChunk> chatStream(ProviderCall call) {
        return super.chatStream(call).onErrorMap(this::redact);
    }

    @Override
    public CompletionStage<EmbeddingResponse> embed(EmbeddingCall call) {
        return super.embed(call).exceptionallyCompose(e -> CompletableFuture.failedStage(redact(e)));
    }

    /** The failure as it was, unless it or a cause mentions the key: then an upstream error without it (and without causes). */
    private Throwable redact(Throwable failure) {
        if (!mentionsSecret(failure)) {
            return failure;
        }
        GatewayError error = GatewayError.from(failure);
        String message = error.getMessage().replace(secret, REDACTED);
        if (error instanceof UpstreamError u) {
            return new UpstreamError(u.provider(), u.upstreamStatus(), message, u.code(), u.retryable(), u.retryAfter(), null);
        }
        return new UpstreamError(id(), 0, message, error.code(), error.retryable(), null, null);
    }

    private boolean mentionsSecret(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains(secret)) {
                return true;
            }
        }
        return false;
    }
}
