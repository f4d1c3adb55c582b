package dev.tiergate.router;

import java.util.Map;

/**
 * The router's counters since start, for metrics.
 *
 * @param routed             routed requests by tier and cause, keys {@code tier/cause}
 * @param passedThrough      requests not routed (a concrete model, routing off for the team)
 * @param embeddingsReused   embeddings taken from the exchange (the semantic cache computed them)
 * @param embeddingsComputed embeddings the router computed itself
 * @param failures           classifications that failed (each routed as a fallback)
 */
public record RouterStats(Map<String, Long> routed, long passedThrough, long embeddingsReused,
                          long embeddingsComputed, long failures) {
    public RouterStats {
        routed = Map.copyOf(routed);
    }
}
