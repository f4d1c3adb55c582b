package dev.tiergate.router.learning;

import static java.util.Objects.requireNonNull;

/**
 * One observed quality of a logged decision: an explicit score ({@code POST /v1/feedback}) or an
 * implicit signal's. The bandit weighs it by 1 / propensity (inverse propensity).
 *
 * @param cell       the decision's context cell key
 * @param tier       the tier that was chosen
 * @param quality    in [0, 1]
 * @param propensity the probability with which that tier was chosen
 * @param cost       the tier's relative cost when it was chosen
 * @param explicit   whether a person or a check scored it (false: an implicit signal)
 */
public record Reward(String cell, String tier, double quality, double propensity, double cost, boolean explicit) {
    public Reward {
        requireNonNull(cell, "cell");
        requireNonNull(tier, "tier");
        if (!(quality >= 0 && quality <= 1)) {
            throw new IllegalArgumentException("quality: " + quality + " (expected: in [0, 1])");
        }
        if (!(propensity > 0 && propensity <= 1)) {
            throw new IllegalArgumentException("propensity: " + propensity + " (expected: in (0, 1])");
        }
    }

    public static Reward of(LoggedDecision decision, double quality, boolean explicit) {
        return new Reward(decision.cell(), decision.tier(), quality, decision.propensity(), decision.cost(), explicit);
    }

    /** The field of {@link TeamStats} this reward adds to. */
    public String arm() {
        return cell + "|" + tier;
    }
}
