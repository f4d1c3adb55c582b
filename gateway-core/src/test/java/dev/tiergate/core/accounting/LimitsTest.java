package dev.tiergate.core.accounting;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class LimitsTest {
    private static final Instant T0 = Instant.parse("2025-08-14T10:15:10Z");
    private final InMemoryLimitStore store = new InMemoryLimitStore();

    @Test
    void requestsPerMinuteTripAndRecoverInTheNextMinute() {
        List<LimitScope> scopes = List.of(LimitScope.team("a", new Limits(2, 0, null, 80)));
        assertThat(decide(scopes, T0).refused()).isFalse();
        assertThat(decide(scopes, T0).refused()).isFalse();
        LimitDecision third = decide(scopes, T0);
        assertThat(third.refused()).isTrue();
        assertThat(third.refusal().code()).isEqualTo("rate_limit_exceeded");
        assertThat(third.refusal().status()).isEqualTo(429);
        assertThat(third.refusal().retryAfter()).hasSeconds(50);
        assertThat(third.refusal().getMessage()).contains("team 'a'", "2 requests per minute");
        assertThat(decide(scopes, T0.plusSeconds(50)).refused()).isFalse();
    }

    @Test
    void aRefusedRequestCountsInNoScope() {
        LimitScope team = LimitScope.team("a", new Limits(10, 0, null, 80));
        LimitScope key = LimitScope.key("a", "k", new Limits(1, 0, null, 80));
        assertThat(decide(List.of(team, key), T0).refused()).isFalse();
        LimitDecision refused = decide(List.of(team, key), T0);
        assertThat(refused.refusal().getMessage()).contains("key 'k' of team 'a'");
        assertThat(store.usage(team.id(), T0).toCompletableFuture().join().requests()).isEqualTo(1);
    }

    @Test
    void tokensPerMinuteCountAnsweredTokens() {
        List<LimitScope> scopes = List.of(LimitScope.team("a", new Limits(0, 100, null, 80)));
        assertThat(decide(scopes, T0).refused()).isFalse();
        store.record(List.of("team:a"), T0, 100, 0);
        LimitDecision refused = decide(scopes, T0);
        assertThat(refused.refusal().code()).isEqualTo("token_rate_limit_exceeded");
        assertThat(decide(scopes, T0.plusSeconds(60)).refused()).isFalse();
    }

    @Test
    void budgetWarnsFromTheSoftLimitAndRefusesAtTheHardLimitUntilNextMonth() {
        List<LimitScope> scopes = List.of(LimitScope.team("a", new Limits(0, 0, new BigDecimal("10"), 80)));
        store.record(List.of("team:a"), T0, 0, Costs.toNanos(new BigDecimal("7.99")));
        assertThat(decide(scopes, T0)).isEqualTo(LimitDecision.ADMITTED);
        store.record(List.of("team:a"), T0, 0, Costs.toNanos(new BigDecimal("0.01")));
        assertThat(decide(scopes, T0).warnings()).containsExactly(
                "team 'a' has used 80% of its monthly budget (USD 8.00 of 10.00)");
        store.record(List.of("team:a"), T0, 0, Costs.toNanos(new BigDecimal("2.5")));
        LimitDecision refused = decide(scopes, T0);
        assertThat(refused.refusal().code()).isEqualTo("budget_exceeded");
        assertThat(refused.refusal().retryAfter()).isNull();
        assertThat(refused.refusal().getMessage()).contains("USD 10.50 spent of USD 10.00 in 2025-08",
                "2025-09-01T00:00:00Z");
        assertThat(decide(scopes, Instant.parse("2025-09-01T00:00:00Z")).refused()).isFalse();
    }

    private LimitDecision decide(List<LimitScope> scopes, Instant now) {
        return decide(scopes, now, Reservation.NONE);
    }

    private LimitDecision decide(List<LimitScope> scopes, Instant now, Reservation reservation) {
        return LimitDecision.of(scopes, store.acquire(scopes, now, reservation).toCompletableFuture().join(), now,
                reservation);
    }

    @Test
    void aReservationMustFitWhatIsLeftOfTheBudgetAndIsHeldUntilSettled() {
        List<LimitScope> scopes = List.of(LimitScope.team("a", new Limits(0, 0, new BigDecimal("1.00"), 80)));
        Reservation upTo049 = new Reservation(1000, Costs.toNanos(new BigDecimal("0.49")));
        assertThat(decide(scopes, T0, upTo049).refused()).isFalse();
        assertThat(decide(scopes, T0, upTo049).refused()).isFalse();
        LimitDecision third = decide(scopes, T0, upTo049);
        assertThat(third.refusal().code()).isEqualTo("budget_exceeded");
        assertThat(third.refusal().getMessage()).contains("cannot cover this request", "USD 0.02 left of USD 1.00",
                "may cost up to USD 0.49");
        // The first answer cost 0.01 of its 0.49: settling gives 0.48 back, and a third now fits.
        store.record(List.of("team:a"), T0, -900, -Costs.toNanos(new BigDecimal("0.48")));
        assertThat(decide(scopes, T0, upTo049).refused()).isFalse();
        assertThat(store.usage("team:a", T0).toCompletableFuture().join().spendNanos())
                .isEqualTo(Costs.toNanos(new BigDecimal("0.99")));
    }

    @Test
    void aReservationMustFitWhatIsLeftOfTheMinutesTokens() {
        List<LimitScope> scopes = List.of(LimitScope.team("a", new Limits(0, 100, null, 80)));
        assertThat(decide(scopes, T0, new Reservation(60, 0)).refused()).isFalse();
        LimitDecision second = decide(scopes, T0, new Reservation(60, 0));
        assertThat(second.refusal().code()).isEqualTo("token_rate_limit_exceeded");
        assertThat(second.refusal().getMessage()).contains("up to 60 tokens", "40 are left this minute");
        LimitDecision tooBig = decide(scopes, T0.plusSeconds(60), new Reservation(500, 0));
        assertThat(tooBig.refusal().getMessage()).contains("more than the limit allows", "lower max_tokens");
    }
}
