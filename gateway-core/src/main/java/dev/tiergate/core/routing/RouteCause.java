package dev.tiergate.core.routing;

/** Why a router chose a tier; the value of {@code x-tiergate-route-cause}. */
public enum RouteCause {
    /** The complexity classifier's score against the team's thresholds. */
    CLASSIFIER("classifier"),
    /** A request feature (tools, images, a JSON schema, a long context) raised the tier. */
    GATE("gate"),
    /** The team's policy pinned the tier or raised it to the team's minimum. */
    TEAM_OVERRIDE("team-override"),
    /** No classification was possible (no prompt text, no embedding, a failure): the alias's default tier. */
    FALLBACK("fallback"),
    /** The team's learned policy (router.learning) chose another tier than the classifier's thresholds. */
    LEARNED("learned"),
    /** The team's learning router tried a neighbouring tier to learn from it (at most its explore rate). */
    EXPLORE("explore"),
    /**
     * The team cascades ({@code mode: cascade}): the cheapest tier answers first and the answer is
     * checked; a failed check escalates to the next tier (see {@link Escalation}).
     */
    CASCADE("cascade"),
    /**
     * The conversation stays on its previous, stronger tier: switching to the cheaper tier the
     * router chose would lose the provider's prompt cache of the conversation, worth more than the
     * switch saves.
     */
    PROMPT_CACHE("prompt-cache");

    private final String headerValue;

    RouteCause(String headerValue) {
        this.headerValue = headerValue;
    }

    public String headerValue() {
        return headerValue;
    }
}
