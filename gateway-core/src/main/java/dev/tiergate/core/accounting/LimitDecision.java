package dev.tiergate.core.accounting;

import dev.tiergate.core.error.RateLimitedError;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The answer of the limits to one request: refused (a 429 with the code of the limit, a message
 * that names the scope and the limit, and Retry-After for the per-minute limits), or admitted,
 * possibly with budget warnings (the soft limit) for the response header and the log.
 */
public record LimitDecision(RateLimitedError refusal, List<String> warnings) {
    public static final LimitDecision ADMITTED = new LimitDecision(null, List.of());

    public LimitDecision {
        warnings = List.copyOf(warnings);
    }

    public boolean refused() {
        return refusal != null;
    }

    public static LimitDecision of(List<LimitScope> scopes, LimitCheck check, Instant now, Reservation reservation) {
        if (!check.admitted()) {
            LimitScope scope = scopes.get(check.refusedScope());
            return new LimitDecision(refusal(scope, check.refusedBy(), check.usages().get(check.refusedScope()), now,
                    reservation), List.of());
        }
        List<String> warnings = new ArrayList<>();
        for (int i = 0; i < scopes.size(); i++) {
            Limits limits = scopes.get(i).limits();
            long spend = check.usages().get(i).spendNanos();
            if (limits.monthlyBudgetUsd() != null && spend >= limits.softBudgetNanos()) {
                warnings.add(scopes.get(i).label() + " has used " + percent(spend, limits.budgetNanos())
                        + "% of its monthly budget (USD " + usd(spend) + " of " + usd(limits.budgetNanos()) + ")");
            }
        }
        return warnings.isEmpty() ? ADMITTED : new LimitDecision(null, warnings);
    }

    private static RateLimitedError refusal(LimitScope scope, LimitKind kind, ScopeUsage usage, Instant now,
                                            Reservation reservation) {
        Limits limits = scope.limits();
        return switch (kind) {
            case REQUESTS_PER_MINUTE -> {
                long wait = LimitWindows.secondsToNextMinute(now);
                yield new RateLimitedError("Rate limit reached for " + scope.label() + ": "
                        + limits.requestsPerMinute() + " requests per minute. Please try again in " + wait + " s.",
                        kind.code(), Duration.ofSeconds(wait));
            }
            case TOKENS_PER_MINUTE -> {
                long wait = LimitWindows.secondsToNextMinute(now);
                long left = Math.max(0, limits.tokensPerMinute() - usage.tokens());
                String need = reservation.tokens() > limits.tokensPerMinute()
                        ? " This request may use up to " + reservation.tokens() + " tokens (its input and max_tokens),"
                                + " more than the limit allows in a minute: lower max_tokens."
                        : " This request may use up to " + reservation.tokens() + " tokens (its input and max_tokens); "
                                + left + " are left this minute. Please try again in " + wait + " s.";
                yield new RateLimitedError("Token rate limit reached for " + scope.label() + ": "
                        + usage.tokens() + " of " + limits.tokensPerMinute() + " tokens per minute used or reserved."
                        + need, kind.code(), Duration.ofSeconds(wait));
            }
            case MONTHLY_BUDGET -> {
                long left = Math.max(0, limits.budgetNanos() - usage.spendNanos());
                String refusedUntil = " Requests are refused until " + LimitWindows.nextMonthStart(now)
                        + " or until the budget is raised.";
                yield new RateLimitedError(usage.spendNanos() >= limits.budgetNanos()
                        ? "Monthly budget exhausted for " + scope.label() + ": USD " + usd(usage.spendNanos())
                                + " spent of USD " + usd(limits.budgetNanos()) + " in " + LimitWindows.month(now) + "."
                                + refusedUntil
                        : "Monthly budget of " + scope.label() + " cannot cover this request: USD " + usd(left)
                                + " left of USD " + usd(limits.budgetNanos()) + " in " + LimitWindows.month(now)
                                + " (spent or reserved by requests in flight), and this request may cost up to USD "
                                + usd(reservation.costNanos()) + " (its input and max_tokens at the dearest model"
                                + " it may be answered by). Lower max_tokens, or wait for requests in flight.",
                        kind.code(), null);
            }
        };
    }

    /** Cents, or up to four decimals for amounts that cents would hide: 8.00, 0.046. */
    private static String usd(long nanos) {
        BigDecimal fine = Costs.fromNanos(nanos).setScale(4, RoundingMode.HALF_UP).stripTrailingZeros();
        return (fine.scale() <= 2 ? fine.setScale(2, RoundingMode.HALF_UP) : fine).toPlainString();
    }

    private static long percent(long spend, long budget) {
        return budget <= 0 ? 100 : BigDecimal.valueOf(spend).multiply(BigDecimal.valueOf(100))
                .divide(BigDecimal.valueOf(budget), 0, RoundingMode.DOWN).longValue();
    }
}
