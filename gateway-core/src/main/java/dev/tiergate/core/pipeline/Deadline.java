package dev.tiergate.core.pipeline;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * The one time budget of a request, fixed when it arrives: every part that waits for it (upstream
 * attempts, retries, the first chunk of a stream) asks how much is left.
 */
public record Deadline(long startNanos, Duration budget) {
    public Deadline {
        requireNonNull(budget, "budget");
        if (budget.isNegative() || budget.isZero()) {
            throw new IllegalArgumentException("budget: " + budget + " (expected: > 0)");
        }
    }

    /** A deadline {@code budget} from now. */
    public static Deadline in(Duration budget) {
        return new Deadline(System.nanoTime(), budget);
    }

    /** What is left, never negative. */
    public Duration remaining() {
        long left = budget.toNanos() - (System.nanoTime() - startNanos);
        return Duration.ofNanos(Math.max(0, left));
    }

    /** The budget as a person reads it: "30 s", "250 ms". */
    public String describe() {
        return budget.toMillis() % 1000 == 0 ? budget.toSeconds() + " s" : budget.toMillis() + " ms";
    }
}
