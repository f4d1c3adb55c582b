package dev.tiergate.core.accounting;

import java.math.BigDecimal;

/**
 * The limits of a team or a key: requests and tokens per minute (0: none), a monthly budget in
 * USD (null: none) and the share of it, in percent, from which answers carry a warning.
 */
public record Limits(long requestsPerMinute, long tokensPerMinute, BigDecimal monthlyBudgetUsd,
                     int softBudgetPercent) {
    public static final int DEFAULT_SOFT_BUDGET_PERCENT = 80;
    public static final Limits NONE = new Limits(0, 0, null, DEFAULT_SOFT_BUDGET_PERCENT);

    public Limits {
        if (requestsPerMinute < 0 || tokensPerMinute < 0) {
            throw new IllegalArgumentException("limits: " + requestsPerMinute + " rpm, " + tokensPerMinute
                    + " tpm (expected: >= 0)");
        }
        if (monthlyBudgetUsd != null && monthlyBudgetUsd.signum() < 0) {
            throw new IllegalArgumentException("monthly-budget-usd: " + monthlyBudgetUsd + " (expected: >= 0)");
        }
        if (softBudgetPercent < 1 || softBudgetPercent > 100) {
            throw new IllegalArgumentException("soft-budget-percent: " + softBudgetPercent + " (expected: 1 to 100)");
        }
    }

    public boolean any() {
        return requestsPerMinute > 0 || tokensPerMinute > 0 || monthlyBudgetUsd != null;
    }

    /** The budget in nano-dollars, or -1 when there is none. */
    public long budgetNanos() {
        return monthlyBudgetUsd == null ? -1 : Costs.toNanos(monthlyBudgetUsd);
    }

    /** Spend from which a warning is sent, in nano-dollars, or -1 when there is no budget. */
    public long softBudgetNanos() {
        return monthlyBudgetUsd == null ? -1 : budgetNanos() / 100 * softBudgetPercent;
    }
}
