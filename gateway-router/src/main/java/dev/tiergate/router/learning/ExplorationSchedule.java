package dev.tiergate.router.learning;

import java.util.concurrent.atomic.AtomicLong;

/**
 * When a team's learnable requests explore: systematic sampling at the rate, with a random phase.
 * Request n explores when ⌊(n + 1)·rate + phase⌋ > ⌊n·rate + phase⌋, so any run of m consecutive
 * requests holds at most ⌈m·rate⌉ explored ones (the rate is a bound, not only an average), and since
 * the turn depends only on arrival order, never on the prompt, every request's probability of being
 * explored is the rate: the propensity logged with it.
 */
final class ExplorationSchedule {
    private final AtomicLong requests = new AtomicLong();
    private final double phase;

    ExplorationSchedule(double phase) {
        if (!(phase >= 0 && phase < 1)) {
            throw new IllegalArgumentException("phase: " + phase + " (expected: in [0, 1))");
        }
        this.phase = phase;
    }

    /** Whether the next request explores. */
    boolean next(double rate) {
        long n = requests.getAndIncrement();
        return Math.floor((n + 1) * rate + phase) > Math.floor(n * rate + phase);
    }
}
