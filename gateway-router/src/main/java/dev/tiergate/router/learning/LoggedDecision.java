package dev.tiergate.router.learning;

import static java.util.Objects.requireNonNull;

/**
 * What the decision log keeps of one routed request, for as long as feedback on it is accepted:
 * never the prompt, only what learning needs.
 *
 * @param requestId     the {@code x-tiergate-request-id} of the answer
 * @param team          the team whose key sent it (only that team may score it)
 * @param alias         the alias routed through
 * @param cell          the bandit's context cell ({@link Cell#key()}), or null when the decision is not learnable
 * @param cluster       the prompt's cluster (-1: none)
 * @param score         the complexity score, or null when nothing was classified
 * @param contextTokens the request's context tokens (a structural feature)
 * @param staticTier    what the static router chose
 * @param tier          the tier chosen
 * @param propensity    the probability with which the policy chose {@code tier} (1 when no choice was random)
 * @param cost          the chosen tier's cost relative to the alias's most expensive tier, in [0, 1]
 * @param cause         the route cause ({@code classifier}, {@code learned}, {@code explore}, ...)
 * @param atMillis      when it was decided
 */
public record LoggedDecision(String requestId, String team, String alias, String cell, int cluster, Double score,
                             long contextTokens, String staticTier, String tier, double propensity, double cost,
                             String cause, long atMillis) {
    public LoggedDecision {
        requireNonNull(requestId, "requestId");
        requireNonNull(team, "team");
        requireNonNull(alias, "alias");
        requireNonNull(tier, "tier");
        if (!(propensity > 0 && propensity <= 1)) {
            throw new IllegalArgumentException("propensity: " + propensity + " (expected: in (0, 1])");
        }
    }

    /** Whether rewards on this decision teach the bandit (no gate, override or fallback forced the tier). */
    public boolean learnable() {
        return cell != null;
    }
}
