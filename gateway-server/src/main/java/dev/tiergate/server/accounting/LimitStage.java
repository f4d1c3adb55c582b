package dev.tiergate.server.accounting;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.accounting.LimitDecision;
import dev.tiergate.core.accounting.LimitScope;
import dev.tiergate.core.accounting.LimitStore;
import dev.tiergate.core.error.RateLimitedError;
import dev.tiergate.core.pipeline.Exchange;
import dev.tiergate.core.pipeline.FailurePolicy;
import dev.tiergate.core.pipeline.PipelineStage;
import dev.tiergate.core.pipeline.StageStep;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first stage of every paid pipeline: checks the caller's team and key limits in one store
 * round trip (one Lua script with Redis) and refuses with a 429 whose code names the limit. Over
 * the soft budget the request's {@code budgetWarnings} fact is set (the server adds
 * {@code x-tiergate-budget-warning}) and a warning is logged. Fails closed: when the store cannot
 * answer, the request is refused rather than let through unmetered.
 */
public final class LimitStage implements PipelineStage {
    public static final String NAME = "limits";

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
    public FailurePolicy failurePolicy() {
        return FailurePolicy.FAIL_CLOSED;
    }

    @Override
    public CompletionStage<StageStep> before(Exchange exchange) {
        List<LimitScope> asked = scopes.of(exchange.caller());
        if (asked.isEmpty()) {
            return StageStep.proceed(exchange, "no-limits");
        }
        Instant now = clock.instant();
        return store.acquire(asked, now).thenApply(check -> {
            LimitDecision decision = LimitDecision.of(asked, check, now);
            if (decision.refused()) {
                onRefusal.accept(exchange.caller().teamId(), decision.refusal());
                throw decision.refusal();
            }
            if (decision.warnings().isEmpty()) {
                return new StageStep.Proceed(exchange, null, "allowed");
            }
            exchange.facts().budgetWarnings().set(List.copyOf(decision.warnings()));
            log.warn("budget warning for request {}: {}", exchange.requestId(), String.join("; ", decision.warnings()));
            return new StageStep.Proceed(exchange, null, "warned");
        });
    }
}
