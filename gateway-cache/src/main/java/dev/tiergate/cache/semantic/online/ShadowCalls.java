package dev.tiergate.cache.semantic.online;

import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.pipeline.Exchange;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * Asks the provider again what a served semantic hit answered: the hit's request, not streamed,
 * through the path a miss would take (limits and budgets, accounting, routing, the dispatcher), with
 * a deadline of its own and priced as a shadow check. The server implements it; a refusal of the
 * team's limits or budget completes with that {@link dev.tiergate.core.error.RateLimitedError}.
 */
@FunctionalInterface
public interface ShadowCalls {
    /** No shadow calls: online verification off. */
    ShadowCalls NONE = (hit, timeout) -> java.util.concurrent.CompletableFuture.failedFuture(
            new IllegalStateException("no shadow calls configured"));

    /** The fresh answer to {@code hit}'s request, within {@code timeout}. */
    CompletionStage<ChatCompletion> ask(Exchange hit, Duration timeout);
}
