package dev.tiergate.core.provider;

import com.fasterxml.jackson.databind.node.NullNode;
import dev.tiergate.core.config.ModelConfig;
import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.EmbeddingRequest;
import dev.tiergate.core.model.EmbeddingResponse;
import dev.tiergate.core.model.Message;
import dev.tiergate.core.pipeline.Answer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;

/**
 * What one upstream attempt of a request does, the same for retries, fallbacks and breakers
 * ({@link ResilientCall}): a plain chat call, a stream (answered with its first chunk), or an
 * embeddings call.
 */
sealed interface UpstreamOperation {

    /** One attempt against {@code adapter} with {@code model} (already for one deployment). */
    Attempt start(ProviderAdapter adapter, String requestId, ModelConfig model, ScheduledExecutorService executor);

    /** The conversation fingerprint deployments are picked by, or null (weighted random). */
    default String affinity() {
        return null;
    }

    /** An answer not worth giving while another model may do better (no text, no tool or function call). */
    default boolean isEmpty(Answer answer) {
        return false;
    }

    /** An attempt under way: its answer, and how to stop it (and discard an answer no longer wanted). */
    record Attempt(CompletionStage<Answer> answer, Runnable cancel) {
    }

    record ChatComplete(ChatRequest request, PromptCaching caching, PassThrough passThrough)
            implements UpstreamOperation {
        @Override
        public String affinity() {
            return caching.affinity();
        }

        @Override
        public Attempt start(ProviderAdapter adapter, String requestId, ModelConfig model,
                             ScheduledExecutorService executor) {
            ProviderCall call = new ProviderCall(requestId, request.withModel(model.upstreamModel()), model, executor,
                    caching, passThrough);
            CompletionStage<ChatCompletion> answer = invoke(() -> adapter.chat(call), CompletableFuture::failedFuture);
            return new Attempt(answer.thenApply(Answer.Complete::new), () -> { });
        }

        @Override
        public boolean isEmpty(Answer answer) {
            return answer instanceof Answer.Complete complete && isEmpty(complete.completion());
        }

        /**
         * No choice carries text, tool calls or a legacy {@code function_call} (the answer to a
         * {@code functions} request): an empty answer, or one cut off (length) before any.
         */
        static boolean isEmpty(ChatCompletion completion) {
            for (ChatCompletion.Choice choice : completion.choices()) {
                Message message = choice.message();
                if (message != null && (!message.text().isBlank()
                        || (message.toolCalls() != null && !message.toolCalls().isEmpty())
                        || message.extra().getOrDefault("function_call", NullNode.getInstance()).isObject())) {
                    return false;
                }
            }
            return true;
        }
    }

    /** A stream counts as answered with its first chunk: nothing reaches the client before. */
    record ChatStream(ChatRequest request, PromptCaching caching, PassThrough passThrough)
            implements UpstreamOperation {
        @Override
        public String affinity() {
            return caching.affinity();
        }

        @Override
        public Attempt start(ProviderAdapter adapter, String requestId, ModelConfig model,
                             ScheduledExecutorService executor) {
            ProviderCall call = new ProviderCall(requestId, request.withModel(model.upstreamModel()), model, executor,
                    caching, passThrough);
            FirstChunkPeek peek = FirstChunkPeek.start(invoke(() -> adapter.chatStream(call), Flux::error));
            return new Attempt(peek.first().thenApply(Answer.Stream::new), peek::cancel);
        }
    }

    record Embeddings(EmbeddingRequest request) implements UpstreamOperation {
        @Override
        public Attempt start(ProviderAdapter adapter, String requestId, ModelConfig model,
                             ScheduledExecutorService executor) {
            EmbeddingCall call = new EmbeddingCall(requestId, request.withModel(model.upstreamModel()), model, executor);
            CompletionStage<EmbeddingResponse> answer = invoke(() -> adapter.embed(call),
                    CompletableFuture::failedFuture);
            return new Attempt(answer.thenApply(Answer.Embeddings::new), () -> { });
        }
    }

    /** An adapter that throws instead of failing its result fails the attempt all the same. */
    private static <T> T invoke(Supplier<T> call, Function<RuntimeException, T> failed) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            return failed.apply(e);
        }
    }
}
