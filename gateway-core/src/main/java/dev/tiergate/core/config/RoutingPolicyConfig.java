package dev.tiergate.core.config;

import java.util.List;
import java.util.Map;

/**
 * {@code router:} in gateway.yaml (the defaults) or in a team file (overrides); null fields inherit.
 * {@code route} lists the aliases routed by the complexity classifier; {@code routeModels} routes
 * requests naming a concrete model through an alias; the gates only ever raise the tier.
 * {@code mode} is {@code classifier} (the default) or {@code cascade}, with its {@code cascade} keys.
 */
public record RoutingPolicyConfig(
        Boolean enabled,
        Double thresholdMid,
        Double thresholdFrontier,
        List<String> route,
        Map<String, String> routeModels,
        Boolean gateTools,
        Boolean gateImages,
        Boolean gateJsonSchema,
        Integer longContextTokens,
        String pinTier,
        String minTier,
        Double qualityTarget,
        Double maxFrontierShare,
        String mode,
        CascadeConfig cascade) {

    public static final RoutingPolicyConfig INHERIT =
            new RoutingPolicyConfig(null, null, null, null, null, null, null, null, null, null, null, null, null,
                    null, CascadeConfig.INHERIT);

    public RoutingPolicyConfig {
        route = route == null ? null : List.copyOf(route);
        routeModels = routeModels == null ? null : Map.copyOf(routeModels);
        cascade = cascade == null ? CascadeConfig.INHERIT : cascade;
    }
}
