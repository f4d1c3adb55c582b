package dev.tiergate.cache.semantic.online;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each team's tightening level and what it does to the team's operating point. A level is a step
 * toward higher precision: with the pair verifier, the team's effective precision target halves
 * its tolerated false-hit share per level (0.97, then 0.985, then 0.9925) and the verifier's
 * threshold is read from its calibration curve for that target, or the next higher point of the
 * curve when that is the same threshold ({@link OnlineVerifier#verifierThreshold}; 0.76, 0.95, 0.97
 * for the bundled model); without it, the cosine threshold rises by {@value #COSINE_STEP} per level (at most
 * {@value #MAX_COSINE}). Levels only rise, one step at a time, up to a bound; a restart of the
 * gateway starts from the configured point again.
 */
public final class OperatingPointTightener {
    static final double COSINE_STEP = 0.02;
    static final double MAX_COSINE = 0.99;

    private final Map<String, Integer> levels = new ConcurrentHashMap<>();

    /** How many steps {@code team} has been tightened. */
    public int level(String team) {
        return levels.getOrDefault(team, 0);
    }

    /**
     * Whether a team's estimate calls for a tightening: at least {@code minChecks} checks in the
     * window and the interval's lower bound above the {@code tolerated} rate, i.e. the team's false
     * hits are, with 97.5% confidence, more than it tolerates.
     */
    static boolean due(WilsonInterval interval, double tolerated, int minChecks) {
        return interval.trials() >= minChecks && interval.lower() > tolerated;
    }

    /** One more step for {@code team}, unless it is at {@code max}; the new level, or -1 when it was not raised. */
    int tighten(String team, int max) {
        int[] raised = {-1};
        levels.compute(team, (t, level) -> {
            int current = level == null ? 0 : level;
            if (current >= max) {
                return level;
            }
            raised[0] = current + 1;
            return raised[0];
        });
        return raised[0];
    }

    /** The precision target {@code level} steps above {@code target}: the tolerated false-hit share halved per step. */
    public static double precisionTarget(double target, int level) {
        return 1 - (1 - target) / Math.pow(2, level);
    }

    /** The cosine threshold {@code level} steps above {@code threshold} (without a verifier). */
    public static double cosineThreshold(double threshold, int level) {
        return level == 0 ? threshold : Math.min(MAX_COSINE, Math.max(threshold, threshold + COSINE_STEP * level));
    }
}
