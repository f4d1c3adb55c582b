package dev.tiergate.core.config;

import java.time.Duration;

/**
 * {@code cache.semantic.online-verification} in gateway.yaml: the share of semantic hits that are
 * also asked of the provider in the background and compared with the served answer, and how the
 * running false-hit estimate is kept and acted on.
 *
 * @param share            share of a team's semantic hits checked (0 to 1); a team may set its own
 * @param timeout          the deadline of one shadow call
 * @param maxConcurrent    shadow calls in flight at once, all teams together; past it a hit is not checked
 * @param window           the last N checks of a team the estimate is made from
 * @param minChecks        checks in the window before the estimate may tighten anything
 * @param answerSimilarity least cosine of the two answers' embeddings for them to count as the same answer
 * @param maxTightenings   how many steps a team's operating point may be tightened at most
 */
public record OnlineVerificationConfig(double share, Duration timeout, int maxConcurrent, int window, int minChecks,
                                       double answerSimilarity, int maxTightenings) {
    public static final double DEFAULT_SHARE = 0.02;
    public static final double DEFAULT_ANSWER_SIMILARITY = 0.65;

    public static OnlineVerificationConfig defaults() {
        return new OnlineVerificationConfig(DEFAULT_SHARE, Duration.ofSeconds(60), 4, 200, 20,
                DEFAULT_ANSWER_SIMILARITY, 2);
    }
}
