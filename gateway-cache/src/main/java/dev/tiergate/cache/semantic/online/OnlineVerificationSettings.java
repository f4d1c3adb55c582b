package dev.tiergate.cache.semantic.online;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Map;

/**
 * How online verification runs ({@code cache.semantic.online-verification}, and a team's
 * {@code share} and {@code tolerated-false-hit-rate}). Immutable.
 *
 * @param share            the share of semantic hits checked, by default
 * @param teamShares       teams' own shares
 * @param tolerated        each team's tolerated false-hit rate (teams absent: {@code defaultTolerated})
 * @param defaultTolerated 1 - the default precision target, unless set
 * @param timeout          the deadline of one shadow call
 * @param maxConcurrent    shadow calls in flight at once, all teams
 * @param window           checks per team the estimate is made from
 * @param minChecks        checks in the window before it may tighten
 * @param answerSimilarity least cosine of two answers' embeddings that counts as the same answer
 * @param maxTightenings   steps a team's operating point may be tightened at most
 */
public record OnlineVerificationSettings(double share, Map<String, Double> teamShares, Map<String, Double> tolerated,
                                         double defaultTolerated, Duration timeout, int maxConcurrent, int window,
                                         int minChecks, double answerSimilarity, int maxTightenings) {
    public OnlineVerificationSettings {
        teamShares = Map.copyOf(teamShares);
        tolerated = Map.copyOf(tolerated);
        requireNonNull(timeout, "timeout");
        checkShare("share", share);
        teamShares.forEach((team, s) -> checkShare("share of team " + team, s));
        if (!(defaultTolerated > 0 && defaultTolerated < 1)) {
            throw new IllegalArgumentException("tolerated false-hit rate: " + defaultTolerated + " (expected: in (0, 1))");
        }
        if (window < 1 || minChecks < 1 || minChecks > window) {
            throw new IllegalArgumentException("window " + window + ", min-checks " + minChecks
                    + " (expected: 1 <= min-checks <= window)");
        }
        if (maxConcurrent < 1 || maxTightenings < 0) {
            throw new IllegalArgumentException("max-concurrent " + maxConcurrent + ", max-tightenings " + maxTightenings
                    + " (expected: >= 1, >= 0)");
        }
        if (!(answerSimilarity >= 0 && answerSimilarity <= 1)) {
            throw new IllegalArgumentException("answer-similarity: " + answerSimilarity + " (expected: 0 to 1)");
        }
    }

    private static void checkShare(String what, double share) {
        if (!(share >= 0 && share <= 1)) {
            throw new IllegalArgumentException(what + ": " + share + " (expected: 0 to 1)");
        }
    }

    public double shareOf(String team) {
        return teamShares.getOrDefault(team, share);
    }

    public double toleratedOf(String team) {
        return tolerated.getOrDefault(team, defaultTolerated);
    }

    /** Whether any team's hits are checked at all. */
    public boolean anyChecked() {
        return share > 0 || teamShares.values().stream().anyMatch(s -> s > 0);
    }
}
