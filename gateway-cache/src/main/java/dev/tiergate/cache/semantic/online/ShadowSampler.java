package dev.tiergate.cache.semantic.online;

import static java.util.Objects.requireNonNull;

import java.util.random.RandomGenerator;

/** Picks the semantic hits that are checked: each with probability {@code share}, independently. */
final class ShadowSampler {
    private final RandomGenerator random;

    ShadowSampler(RandomGenerator random) {
        this.random = requireNonNull(random, "random");
    }

    boolean sample(double share) {
        return share >= 1 || (share > 0 && random.nextDouble() < share);
    }
}
