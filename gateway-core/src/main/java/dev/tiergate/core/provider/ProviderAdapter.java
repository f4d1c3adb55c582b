package dev.tiergate.core.provider;

import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.model.EmbeddingResponse;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import reactor.core.publisher.Flux;

/**
 * Speaks to one provider in its own wire format and answers in OpenAI's. Failures are
 * {@link dev.tiergate.core.error.GatewayError}s ({@code UpstreamError}, {@code TimeoutError}).
 */
public interface ProviderAdapter extends AutoCloseable {

    /** The provider id from the config, e.g. {@code openai}. */
    String id();

    Set<ProviderCapability> capabilities();

    CompletionStage<ChatCompletion> chat(ProviderCall call);

    /**
     * A cold stream: subscribing sends the request, demand drives reading, cancelling closes the
     * upstream connection. An upstream error status surfaces as an error before any chunk.
     */
    Flux<ChatChunk> chatStream(ProviderCall call);

    CompletionStage<EmbeddingResponse> embed(EmbeddingCall call);

    @Override
    default void close() {
    }
}
