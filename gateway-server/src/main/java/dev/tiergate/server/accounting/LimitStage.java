package dev.tiergate.server.accounting;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.accounting.LimitDecision;
import dev.tiergate.core.accounting.LimitScope;
import dev.tiergate.core.accounting.LimitStore;
import dev.tiergate.core.error.InternalGatewayError;
import dev.tiergate.core.error.RateLimitedError;
import dev.tiergate.core.pipeline.ChatExchange;
import dev.tiergate.core.pipeline.ChatResult;
import dev.tiergate.core.pipeline.FailurePolicy;
import dev.tiergate.core.pipeline.PipelineStage;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first stage: checks the caller's team and key limits in one store round trip (one Lua
 * script with Redis) and refuses with a 429 whose code names the limit. Over the soft budget the
 * answer carries {@value #WARNING_HEADER} and a warning is logged. Fails closed: when the store
 * cannot answer, the request is refused rather than let through unmetered.
 */
public final class LimitStage implements PipelineStage {
    public static final String NAME = "limits";
    public static final int ORDER = 10;
    public static final String WARNING_HEADER = "x-tiergate-budget-warning";

    private static final Logger log = LoggerFactory.getLogger(LimitStage.class);

    private final LimitScopes scopes;
    private final LimitStore store;
    private final Clock clock;
    private final BiConsumer<String, RateLimitedError> onRefusal;

    public LimitStage(LimitScopes scopes, LimitStore store, Clock clock, BiConsumer<String, RateLimitedError> onRefusal) {
        this.scopes = requireNonNull(scopes, "scopes");
        this.store = requireNonNull(store, "store");
        this.clock = requireNonNull(clock, "clock");
        this.onRefusal = requireNonNull(onRefusal, "onRefusal");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int order() {
        return ORDER;
    }

    @Override
    public FailurePolicy failurePolicy() {
        return FailurePolicy.FAIL_CLOSED;
    }

    @Override
    public CompletionStage<ChatResult> handle(ChatExchange exchange, StageChain chain) {
        List<LimitScope> asked = scopes.of(exchange.caller());
        if (asked.isEmpty()) {
            return chain.proceed(exchange);
        }
        Instant now = clock.instant();
        CompletableFuture<LimitDecision> decision = store.acquire(asked, now).toCompletableFuture()
                .handle((check, error) -> {
                    if (error != null) {
                        log.error("limit store failed, request {} refused: {}", exchange.requestId(), error.toString());
                        throw new InternalGatewayError("the limit store is unavailable; try again shortly", error);
                    }
                    return LimitDecision.of(asked, check, now);
                });
        // Resume on the request's event loop when the store answered on one of its own threads.
        CompletableFuture<LimitDecision> onLoop = decision.isDone() ? decision
                : decision.thenApplyAsync(d -> d, exchange.executor());
        return onLoop.thenCompose(d -> proceed(exchange, chain, d));
    }

    private CompletionStage<ChatResult> proceed(ChatExchange exchange, StageChain chain, LimitDecision decision) {
        if (decision.refused()) {
            onRefusal.accept(exchange.caller().teamId(), decision.refusal());
            return CompletableFuture.failedFuture(decision.refusal());
        }
        if (decision.warnings().isEmpty()) {
            return chain.proceed(exchange);
        }
        RequestAccounting.of(exchange).warnings(decision.warnings());
        String warning = String.join("; ", decision.warnings());
        log.warn("budget warning for request {}: {}", exchange.requestId(), warning);
        return chain.proceed(exchange).thenApply(result ->
                result.withMetadata(result.metadata().withHeader(WARNING_HEADER, warning)));
    }
}
