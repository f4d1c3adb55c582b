package dev.tiergate.server;

import static java.util.Objects.requireNonNull;

import dev.tiergate.cache.semantic.online.ShadowCalls;
import dev.tiergate.core.embedding.PromptEmbedding;
import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.pipeline.Answer;
import dev.tiergate.core.pipeline.CacheDirectives;
import dev.tiergate.core.pipeline.Deadline;
import dev.tiergate.core.pipeline.Exchange;
import dev.tiergate.core.pipeline.Pipeline;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The shadow calls of online verification, on the shadow pipeline of the config serving now (limits,
 * the shadow budget check, accounting, the router, then the dispatcher: the path a miss takes, without
 * the caches): the hit's request, not streamed, under the hit's caller, with a deadline of its own
 * and its {@code shadowCheckOf} fact set so that accounting prices it as a shadow check. The prompt
 * embedding the hit computed is handed on, so the router does not embed it again.
 */
final class ShadowChatCalls implements ShadowCalls {
    /** Beyond the deadline, how long the call may take to give up before it is cancelled. */
    private static final Duration GRACE = Duration.ofSeconds(1);

    private final Supplier<Pipeline> pipeline;

    ShadowChatCalls(Supplier<Pipeline> pipeline) {
        this.pipeline = requireNonNull(pipeline, "pipeline");
    }

    @Override
    public CompletionStage<ChatCompletion> ask(Exchange hit, Duration timeout) {
        Exchange shadow = Exchange.of(hit.requestId() + "-shadow", hit.caller(), hit.chat().withStream(null, null),
                CacheDirectives.NONE, hit.executor(), Deadline.in(timeout));
        shadow.facts().shadowCheckOf().set(hit.requestId());
        PromptEmbedding embedding = hit.facts().promptEmbedding().get();
        if (embedding != null) {
            shadow.facts().promptEmbedding().set(embedding);
        }
        return pipeline.get().answer(shadow).toCompletableFuture()
                .orTimeout(timeout.plus(GRACE).toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((answer, error) -> {
                    if (error != null) {
                        shadow.cancellation().cancel();
                    }
                })
                .thenCompose(answer -> answer instanceof Answer.Complete complete
                        ? CompletableFuture.completedFuture(complete.completion())
                        : CompletableFuture.failedFuture(new IllegalStateException("shadow call answered "
                                + answer.getClass().getSimpleName() + ", expected a complete answer")));
    }
}
