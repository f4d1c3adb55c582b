package dev.tiergate.core.config;

/**
 * {@code router.learning:} in gateway.yaml (the defaults) or in a team file (overrides); null fields
 * inherit. {@code decisionTtlSeconds}, {@code maxDecisionsPerTeam} and {@code refreshMs} are read
 * from gateway.yaml only.
 */
public record RouterLearningConfig(
        Boolean enabled,
        Double exploreRate,
        Double costWeight,
        Integer minSamples,
        Double confidence,
        Boolean logComments,
        Boolean regeneration,
        Integer regenerationSeconds,
        Boolean escalation,
        Boolean truncated,
        Boolean clientLeft,
        Boolean schemaFailure,
        Integer decisionTtlSeconds,
        Integer maxDecisionsPerTeam,
        Integer refreshMs) {

    public static final RouterLearningConfig INHERIT = new RouterLearningConfig(null, null, null, null, null, null,
            null, null, null, null, null, null, null, null, null);
}
