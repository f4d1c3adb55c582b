package dev.tiergate.server.accounting;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.accounting.LimitDecision;
import dev.tiergate.core.accounting.LimitScope;
import dev.tiergate.core.accounting.LimitStore;
import dev.tiergate.core.error.RateLimitedError;
import dev.tiergate.core.accounting.LimitKind;
import dev.tiergate.core.accounting.Reservation;
import dev.tiergate.core.config.TeamAccountingConfig;
import dev.tiergate.core.pipeline.Answer;
import dev.tiergate.core.pipeline.AnswerHook;
import dev.tiergate.core.pipeline.Exchange;
import dev.tiergate.core.pipeline.RequestFacts;
import dev.tiergate.core.pipeline.FailurePolicy;
import dev.tiergate.core.pipeline.NamedStage;
import dev.tiergate.core.pipeline.StageStep;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first stage of every paid pipeline: reserves the request's worst case ({@link Reservations})
 * against the caller's team and key limits in one atomic store round trip (one Lua script with
 * Redis, so replicas cannot spend the same budget twice) and refuses with a 429 whose code names
 * the limit and whose message says what is left, before anything goes upstream. When the answer is
 * complete (a stream: when it ends, cleanly or not) the reservation is settled to what the answer
 * really cost (its usage record, and those of attempts the provider may bill although the client
 * did not get their answer), and given back when nothing was charged. Over the soft
 * budget the request's {@code budgetWarnings} fact is set (the server adds
 * {@code x-tiergate-budget-warning}). Fails closed: when the store cannot answer, the request is
 * refused rather than let through unmetered.
 */
public final class LimitStage extends NamedStage {
    public static final String NAME = "limits";

    private static final Logger log = LoggerFactory.getLogger(LimitStage.class);

    private final LimitScopes scopes;
    private final LimitStore store;
    private final Reservations reservations;
    private final Clock clock;
    private final BiConsumer<String, RateLimitedError> onRefusal;

    LimitStage(LimitScopes scopes, LimitStore store, Reservations reservations, Clock clock,
               BiConsumer<String, RateLimitedError> onRefusal) {
        super(NAME, FailurePolicy.FAIL_CLOSED);
        this.scopes = requireNonNull(scopes, "scopes");
        this.store = requireNonNull(store, "store");
        this.reservations = requireNonNull(reservations, "reservations");
        this.clock = requireNonNull(clock, "clock");
        this.onRefusal = requireNonNull(onRefusal, "onRefusal");
    }

    @Override
    public CompletionStage<StageStep> before(Exchange exchange) {
        List<LimitScope> asked = scopes.of(exchange.caller());
        if (asked.isEmpty()) {
            return StageStep.proceed(exchange, "no-limits");
        }
        return reservations.of(exchange).thenCompose(estimate -> reserve(exchange, asked, estimate));
    }

    private CompletionStage<StageStep> reserve(Exchange exchange, List<LimitScope> asked,
                                               Reservations.Estimate estimate) {
        Instant now = clock.instant();
        Reservation reservation = estimate.worst();
        Reservations.TierReservation cheap = estimate.cheapest();
        boolean degrades = cheap != null
                && exchange.caller().team().accounting().onBudget() == TeamAccountingConfig.BudgetPolicy.DEGRADE;
        return store.acquire(asked, now, reservation).thenCompose(check -> {
            LimitDecision decision = LimitDecision.of(asked, check, now, reservation);
            if (decision.refused() && degrades && decision.refusal().code().equals(LimitKind.MONTHLY_BUDGET.code())) {
                return store.acquire(asked, now, cheap.reservation()).thenApply(second -> admit(exchange, asked,
                        now, cheap.reservation(), LimitDecision.of(asked, second, now, cheap.reservation()),
                        cheap.tier()));
            }
            String degradeTo = !decision.refused() && degrades && !decision.warnings().isEmpty() ? cheap.tier() : null;
            return CompletableFuture.completedFuture(admit(exchange, asked, now, reservation, decision, degradeTo));
        });
    }

    /**
     * Proceeds with the reservation, or refuses. {@code degradeTo}: the tier an alias request of a
     * team past its soft budget is held to (null: none).
     */
    private StageStep admit(Exchange exchange, List<LimitScope> asked, Instant now, Reservation reservation,
                            LimitDecision decision, String degradeTo) {
        if (decision.refused()) {
            onRefusal.accept(exchange.caller().teamId(), decision.refusal());
            throw decision.refusal();
        }
        String outcome = "allowed";
        if (!decision.warnings().isEmpty()) {
            exchange.facts().budgetWarnings().set(List.copyOf(decision.warnings()));
            log.warn("budget warning for request {}: {}", exchange.requestId(), String.join("; ", decision.warnings()));
            outcome = "warned";
        }
        if (degradeTo != null) {
            exchange.facts().degradedTier().set(degradeTo);
            outcome = "degraded";
        }
        return new StageStep.Proceed(exchange, new Settlement(exchange, ids(asked), now, reservation), outcome);
    }

    private static List<String> ids(List<LimitScope> scopes) {
        return scopes.stream().map(LimitScope::id).toList();
    }

    /** Settles one reservation, once: to the usage record when there is one, else gives it all back. */
    private final class Settlement implements AnswerHook {
        private final Exchange exchange;
        private final List<String> scopeIds;
        private final Instant reservedAt;
        private final Reservation reservation;
        private final AtomicBoolean settled = new AtomicBoolean();

        Settlement(Exchange exchange, List<String> scopeIds, Instant reservedAt, Reservation reservation) {
            this.exchange = exchange;
            this.scopeIds = scopeIds;
            this.reservedAt = reservedAt;
            this.reservation = reservation;
        }

        @Override
        public Answer answered(Answer answer) {
            if (answer instanceof Answer.Stream stream) {
                return stream.withChunks(stream.chunks().doFinally(signal -> settle()));
            }
            settle();
            return answer;
        }

        @Override
        public void failed(Throwable error) {
            settle();
        }

        private void settle() {
            if (!settled.compareAndSet(false, true)) {
                return;
            }
            RequestFacts.Charged charged = exchange.facts().charged();
            store.record(scopeIds, reservedAt, charged.tokens() - reservation.tokens(),
                    charged.costNanos() - reservation.costNanos());
        }
    }
}
