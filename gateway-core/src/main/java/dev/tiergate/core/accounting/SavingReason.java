package dev.tiergate.core.accounting;

import com.fasterxml.jackson.annotation.JsonValue;

/** Why a request cost less (or more) than its baseline. */
public enum SavingReason {
    /** Answered from a cache: the saving is what the original call cost. */
    CACHE_HIT("cache_hit"),
    /** Answered by another model than the baseline: the price difference on the same tokens. */
    ROUTED("routed"),
    /**
     * An answer a cascade checked and escalated to a stronger tier: its whole cost is a negative
     * saving (the request paid it on top of the answer the client got).
     */
    ESCALATION("escalation"),
    /** Answered by the baseline model itself, or no baseline is known. */
    NONE("none"),
    /**
     * A shadow call of the semantic cache's online verification: a served hit asked again of the
     * provider in the background to check it. A cost, never a saving; no client sees its answer.
     */
    SHADOW_CHECK("shadow_check");

    private final String value;

    SavingReason(String value) {
        this.value = value;
    }

    @JsonValue
    public String value() {
        return value;
    }
}
