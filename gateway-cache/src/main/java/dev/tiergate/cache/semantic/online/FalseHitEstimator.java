package dev.tiergate.cache.semantic.online;

/**
 * One team's running false-hit estimate: the outcomes of its last {@code window} online checks (a
 * ring buffer) and their {@link WilsonInterval}. A sliding window rather than exponential decay so
 * that the interval is an exact binomial one over a known number of checks, and an old burst of
 * false hits leaves the estimate after exactly {@code window} further checks. Thread-safe.
 */
final class FalseHitEstimator {
    private final boolean[] outcomes;
    private int next;
    private int size;
    private int falseHits;

    FalseHitEstimator(int window) {
        if (window < 1) {
            throw new IllegalArgumentException("window: " + window + " (expected: >= 1)");
        }
        this.outcomes = new boolean[window];
    }

    /** Adds one check (the oldest leaves a full window) and gives the interval after it. */
    synchronized WilsonInterval record(boolean falseHit) {
        if (size == outcomes.length) {
            if (outcomes[next]) {
                falseHits--;
            }
        } else {
            size++;
        }
        outcomes[next] = falseHit;
        if (falseHit) {
            falseHits++;
        }
        next = (next + 1) % outcomes.length;
        return WilsonInterval.of(falseHits, size);
    }

    synchronized WilsonInterval interval() {
        return WilsonInterval.of(falseHits, size);
    }

    /** Forgets every check: after the operating point changed, they describe one no longer in use. */
    synchronized void restart() {
        java.util.Arrays.fill(outcomes, false);
        next = 0;
        size = 0;
        falseHits = 0;
    }

    int window() {
        return outcomes.length;
    }
}
