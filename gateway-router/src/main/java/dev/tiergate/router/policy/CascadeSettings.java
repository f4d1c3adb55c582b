package dev.tiergate.router.policy;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * How a cascading team ({@code mode: cascade}) checks an answer before it keeps it.
 *
 * @param checks          the checks that escalate, of {@link #CHECKS}
 * @param minMeanLogprob  {@code low-logprob} fails an answer whose mean token log-probability is below this
 * @param minTokenLogprob {@code low-logprob} fails an answer with a token below this ({@code -Infinity}: off)
 * @param bufferedStreams whether streamed requests cascade too, buffered ({@code cascade-streams: buffered})
 * @param holdBytes       a buffered stream longer than this is committed to, unchecked
 * @param hold            a buffered stream still running after this is committed to, unchecked
 */
public record CascadeSettings(Set<String> checks, double minMeanLogprob, double minTokenLogprob,
                              boolean bufferedStreams, int holdBytes, Duration hold) {
    public static final String REFUSAL = "refusal";
    public static final String TRUNCATED = "truncated";
    public static final String INVALID_JSON = "invalid-json";
    public static final String LOW_LOGPROB = "low-logprob";
    /** Every check, in the order they run. */
    public static final List<String> CHECKS = List.of(REFUSAL, TRUNCATED, INVALID_JSON, LOW_LOGPROB);
    public static final double DEFAULT_MIN_MEAN_LOGPROB = -1.0;
    public static final int DEFAULT_HOLD_BYTES = 16 * 1024;
    public static final Duration DEFAULT_HOLD = Duration.ofSeconds(4);

    public CascadeSettings {
        requireNonNull(checks, "checks");
        for (String check : checks) {
            if (!CHECKS.contains(check)) {
                throw new IllegalArgumentException("cascade-checks: '" + check + "' (expected one of: "
                        + String.join(", ", CHECKS) + ")");
            }
        }
        checks = Set.copyOf(new LinkedHashSet<>(checks));
        if (!(minMeanLogprob <= 0)) {
            throw new IllegalArgumentException("cascade-min-mean-logprob: " + minMeanLogprob + " (expected: <= 0)");
        }
        if (!(minTokenLogprob <= 0)) {
            throw new IllegalArgumentException("cascade-min-token-logprob: " + minTokenLogprob + " (expected: <= 0)");
        }
        if (holdBytes <= 0) {
            throw new IllegalArgumentException("cascade-hold-bytes: " + holdBytes + " (expected: > 0)");
        }
        requireNonNull(hold, "hold");
        if (hold.isNegative() || hold.isZero()) {
            throw new IllegalArgumentException("cascade-hold-ms: " + hold.toMillis() + " (expected: > 0)");
        }
    }

    /** Every check, a mean floor of {@value #DEFAULT_MIN_MEAN_LOGPROB}, no token floor, streams not cascaded. */
    public static CascadeSettings defaults() {
        return new CascadeSettings(Set.copyOf(CHECKS), DEFAULT_MIN_MEAN_LOGPROB, Double.NEGATIVE_INFINITY, false,
                DEFAULT_HOLD_BYTES, DEFAULT_HOLD);
    }

    /**
     * The gates that raise a cascade's first tier: the team's, except that {@code invalid-json}
     * takes the place of the JSON-schema gate (the answer is checked instead of the request guessed at).
     */
    public GateSettings gates(GateSettings team) {
        return checks.contains(INVALID_JSON) && team.jsonSchema()
                ? new GateSettings(team.tools(), team.images(), false, team.longContextTokens()) : team;
    }
}
