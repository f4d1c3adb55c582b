package dev.tiergate.core.resilience;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How often one model is tried and how long to wait in between. {@code maxAttempts} counts every
 * attempt, the first included (1: no retry). The wait before retry {@code n} is
 * {@code initialBackoff * 2^(n-1)}, capped at {@code maxBackoff}, less a random share of up to
 * {@code jitter} (0 to 1) of it; a provider's {@code Retry-After} replaces it, capped at
 * {@code maxBackoff} as well.
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, double jitter) {
    public static final RetryPolicy DEFAULT = new RetryPolicy(2, Duration.ofMillis(200), Duration.ofMillis(2_000), 0.2);
    public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO, 0);

    public RetryPolicy {
        requireNonNull(initialBackoff, "initialBackoff");
        requireNonNull(maxBackoff, "maxBackoff");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts: " + maxAttempts + " (expected: >= 1)");
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("backoff: " + initialBackoff.toMillis() + ".." + maxBackoff.toMillis()
                    + " ms (expected: 0 <= initial <= max)");
        }
        if (!(jitter >= 0 && jitter <= 1)) {
            throw new IllegalArgumentException("jitter: " + jitter + " (expected: between 0 and 1)");
        }
    }

    /**
     * The wait after {@code failedAttempts} failed attempts (1 for the first retry).
     * {@code retryAfter} is what the provider asked for, or null.
     */
    public Duration backoff(int failedAttempts, Duration retryAfter, RandomGenerator random) {
        if (retryAfter != null && !retryAfter.isNegative()) {
            return retryAfter.compareTo(maxBackoff) > 0 ? maxBackoff : retryAfter;
        }
        int doublings = Math.min(Math.max(failedAttempts - 1, 0), 30);
        long base = Math.min(maxBackoff.toNanos(), saturatedShift(initialBackoff.toNanos(), doublings));
        long jittered = base - (long) (base * jitter * random.nextDouble());
        return Duration.ofNanos(jittered);
    }

    private static long saturatedShift(long value, int bits) {
        return value > (Long.MAX_VALUE >> bits) ? Long.MAX_VALUE : value << bits;
    }
}
