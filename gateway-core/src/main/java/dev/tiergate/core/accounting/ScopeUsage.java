package dev.tiergate.core.accounting;

/**
 * A scope's counters as a limit check saw them, before the request being checked: requests and
 * tokens in the current minute, spend (nano-dollars) in the current month.
 */
public record ScopeUsage(long requests, long tokens, long spendNanos) {
    public static final ScopeUsage ZERO = new ScopeUsage(0, 0, 0);
}
