package dev.tiergate.core.pipeline;

/** What the caches did for a request; the value of {@code x-tiergate-cache}. */
public enum CacheOutcome {
    HIT("hit"),
    SEMANTIC_HIT("semantic-hit"),
    MISS("miss"),
    BYPASS("bypass");

    private final String headerValue;

    CacheOutcome(String headerValue) {
        this.headerValue = headerValue;
    }

    public String headerValue() {
        return headerValue;
    }
}
