package dev.tiergate.core.routing;

import dev.tiergate.core.pipeline.AttributeKey;

/** Attribute keys a router leaves on the exchange for the server (request log, metrics). */
public final class RoutingAttributes {
    /** The router's decision for a routed request; absent when the request was not routed. */
    public static final AttributeKey<RouteDecision> ROUTE_DECISION =
            AttributeKey.of("route-decision", RouteDecision.class);

    private RoutingAttributes() {
    }
}
