package dev.tiergate.core.routing;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a complexity router decided for one request: the alias routed through, the tier and the
 * first model of that tier, the complexity score in [0, 1] (null when nothing was classified),
 * the cause, the classifier's probability per tier (empty when nothing was classified) and the
 * gates that fired. The server reads it from {@link RoutingAttributes#ROUTE_DECISION} for the
 * request log and metrics.
 */
public record RouteDecision(
        String alias,
        String tier,
        String model,
        Double score,
        RouteCause cause,
        Map<String, Double> probabilities,
        List<String> gates) {

    public RouteDecision {
        requireNonNull(alias, "alias");
        requireNonNull(tier, "tier");
        requireNonNull(cause, "cause");
        if (score != null && !(score >= 0.0 && score <= 1.0)) {
            throw new IllegalArgumentException("score: " + score + " (expected: in [0, 1])");
        }
        probabilities = probabilities == null
                ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(probabilities));
        gates = gates == null ? List.of() : List.copyOf(gates);
    }
}
