package dev.tiergate.cache.semantic.online;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.LongAdder;

/**
 * What online verification keeps while the gateway runs, across config reloads that do not change
 * it: each team's estimate and counts, the tightening levels, and the slots that bound the shadow
 * calls in flight.
 */
public final class OnlineCheckState {
    private final int window;
    private final int maxConcurrent;
    private final Semaphore slots;
    private final OperatingPointTightener tightener = new OperatingPointTightener();
    private final Map<String, TeamChecks> teams = new ConcurrentHashMap<>();

    /** Why a sampled hit was not checked. */
    public enum Skip {
        /** Every shadow slot was in use, or the model workers were busy. */
        BUSY("busy"),
        /** The team's rate limit or budget refused the shadow call (or the team is past its soft budget). */
        LIMITS("limits"),
        /** The shadow call failed or timed out. */
        FAILED("failed");

        private final String label;

        Skip(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** One team's checks. */
    static final class TeamChecks {
        final FalseHitEstimator estimator;
        final LongAdder checks = new LongAdder();
        final LongAdder falseHits = new LongAdder();
        final Map<Skip, LongAdder> skipped = new EnumMap<>(Skip.class);

        TeamChecks(int window) {
            this.estimator = new FalseHitEstimator(window);
            for (Skip skip : Skip.values()) {
                skipped.put(skip, new LongAdder());
            }
        }
    }

    public OnlineCheckState(int window, int maxConcurrent) {
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("maxConcurrent: " + maxConcurrent + " (expected: >= 1)");
        }
        this.window = window;
        this.maxConcurrent = maxConcurrent;
        this.slots = new Semaphore(maxConcurrent);
        new FalseHitEstimator(window);   // checks the window
    }

    /** Whether this state fits {@code settings} (else a reload starts a new one). */
    public boolean fits(OnlineVerificationSettings settings) {
        return settings.window() == window && settings.maxConcurrent() == maxConcurrent;
    }

    TeamChecks team(String team) {
        return teams.computeIfAbsent(team, t -> new TeamChecks(window));
    }

    OperatingPointTightener tightener() {
        return tightener;
    }

    boolean tryAcquire() {
        return slots.tryAcquire();
    }

    void release() {
        slots.release();
    }

    /** Shadow calls in flight (or being judged) now. */
    int inFlight() {
        return maxConcurrent - slots.availablePermits();
    }
}
