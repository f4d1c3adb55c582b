package dev.tiergate.router.learning;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Map;

/**
 * The learning router's settings: per team ({@link TeamLearning}, defaults and overrides) and
 * gateway-wide: how long decisions wait for feedback ({@code decision-ttl}), how many per team the
 * log keeps at most, and how often a replica reads the shared state again ({@code refresh}).
 */
public record LearningSettings(TeamLearning teamDefaults, Map<String, TeamLearning> teams, Duration decisionTtl,
                               int maxDecisionsPerTeam, Duration refresh) {
    public LearningSettings {
        requireNonNull(teamDefaults, "teamDefaults");
        teams = Map.copyOf(teams);
        requireNonNull(decisionTtl, "decisionTtl");
        requireNonNull(refresh, "refresh");
        if (decisionTtl.isNegative() || decisionTtl.isZero()) {
            throw new IllegalArgumentException("decision-ttl-seconds: " + decisionTtl.toSeconds() + " (expected: > 0)");
        }
        if (maxDecisionsPerTeam < 1) {
            throw new IllegalArgumentException("max-decisions-per-team: " + maxDecisionsPerTeam + " (expected: >= 1)");
        }
    }

    /** Every team on {@link TeamLearning#defaults()}, decisions kept 1 h (at most 200,000 per team), refresh every second. */
    public static LearningSettings defaults() {
        return new LearningSettings(TeamLearning.defaults(), Map.of(), Duration.ofHours(1), 200_000,
                Duration.ofSeconds(1));
    }

    public TeamLearning forTeam(String teamId) {
        return teams.getOrDefault(teamId, teamDefaults);
    }
}
