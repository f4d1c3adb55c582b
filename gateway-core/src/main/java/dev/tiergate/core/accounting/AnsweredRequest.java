package dev.tiergate.core.accounting;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.pipeline.CacheOutcome;
import java.time.Instant;

/**
 * The facts of one answered request that {@link Accountant} prices. {@code model} is the
 * configured model that answered (for a cache hit: the one that answered originally);
 * {@code baselineModel} is what the request is compared with (null: no baseline).
 */
public record AnsweredRequest(
        String requestId,
        Instant timestamp,
        String team,
        String keyId,
        String requestedModel,
        String baselineModel,
        String provider,
        String model,
        String tier,
        CacheOutcome cache,
        boolean stream,
        String outcome,
        TokenCounts tokens) {

    public AnsweredRequest {
        requireNonNull(requestId, "requestId");
        requireNonNull(timestamp, "timestamp");
        requireNonNull(team, "team");
        requireNonNull(tokens, "tokens");
        requireNonNull(outcome, "outcome");
    }

    public boolean cacheHit() {
        return cache == CacheOutcome.HIT || cache == CacheOutcome.SEMANTIC_HIT;
    }
}
