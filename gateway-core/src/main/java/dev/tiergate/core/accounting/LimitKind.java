package dev.tiergate.core.accounting;

/** Which limit refused a request; {@link #code()} is the OpenAI error code sent with the 429. */
public enum LimitKind {
    REQUESTS_PER_MINUTE("rate_limit_exceeded"),
    TOKENS_PER_MINUTE("token_rate_limit_exceeded"),
    MONTHLY_BUDGET("budget_exceeded");

    private final String code;

    LimitKind(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    /**
     * The first limit that {@code usage} plus {@code reservation} would pass, or null when the
     * request may go on: the budget is spent, or the reserved cost does not fit what is left of it;
     * the minute's requests are used up; the reserved tokens do not fit what is left of the minute's.
     */
    public static LimitKind reached(Limits limits, ScopeUsage usage, Reservation reservation) {
        if (limits.monthlyBudgetUsd() != null && (usage.spendNanos() >= limits.budgetNanos()
                || usage.spendNanos() + reservation.costNanos() > limits.budgetNanos())) {
            return MONTHLY_BUDGET;
        }
        if (limits.requestsPerMinute() > 0 && usage.requests() >= limits.requestsPerMinute()) {
            return REQUESTS_PER_MINUTE;
        }
        if (limits.tokensPerMinute() > 0 && (usage.tokens() >= limits.tokensPerMinute()
                || usage.tokens() + reservation.tokens() > limits.tokensPerMinute())) {
            return TOKENS_PER_MINUTE;
        }
        return null;
    }
}
