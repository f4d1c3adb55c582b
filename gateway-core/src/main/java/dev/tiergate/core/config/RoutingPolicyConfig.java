package dev.tiergate.core.config;

import java.util.List;
import java.util.Map;

/**
 * {@code router:} in gateway.yaml (the defaults) or in a team file (overrides); null fields inherit.
 * {@code route} lists the aliases routed by the complexity classifier; {@code routeModels} routes
 * requests naming a concrete model through an alias; the gates only ever raise the tier.
 * {@code mode} is {@code classifier} (the default) or {@code cascade}, with its {@code cascade} keys;
 * {@code learning} is {@code router.learning} (learning from traffic, never null).
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
        CascadeConfig cascade,
        RouterLearningConfig learning) {

    public static final RoutingPolicyConfig INHERIT =
            new RoutingPolicyConfig(null, null, null, null, null, null, null, null, null, null, null, null, null,
                    null, CascadeConfig.INHERIT, RouterLearningConfig.INHERIT);

    public RoutingPolicyConfig {
        route = route == null ? null : List.copyOf(route);
        routeModels = routeModels == null ? null : Map.copyOf(routeModels);
        cascade = cascade == null ? CascadeConfig.INHERIT : cascade;
        learning = learning == null ? RouterLearningConfig.INHERIT : learning;
    }

    /** Without {@code learning:} (inherit). */
    public RoutingPolicyConfig(Boolean enabled, Double thresholdMid, Double thresholdFrontier, List<String> route,
                               Map<String, String> routeModels, Boolean gateTools, Boolean gateImages,
                               Boolean gateJsonSchema, Integer longContextTokens, String pinTier, String minTier,
                               Double qualityTarget, Double maxFrontierShare, String mode, CascadeConfig cascade) {
        this(enabled, thresholdMid, thresholdFrontier, route, routeModels, gateTools, gateImages, gateJsonSchema,
                longContextTokens, pinTier, minTier, qualityTarget, maxFrontierShare, mode, cascade,
                RouterLearningConfig.INHERIT);
    }

    /** Without {@code mode}, {@code cascade} and {@code learning} (inherit). */
    public RoutingPolicyConfig(Boolean enabled, Double thresholdMid, Double thresholdFrontier, List<String> route,
                               Map<String, String> routeModels, Boolean gateTools, Boolean gateImages,
                               Boolean gateJsonSchema, Integer longContextTokens, String pinTier, String minTier,
                               Double qualityTarget, Double maxFrontierShare) {
        this(enabled, thresholdMid, thresholdFrontier, route, routeModels, gateTools, gateImages, gateJsonSchema,
                longContextTokens, pinTier, minTier, qualityTarget, maxFrontierShare, null, CascadeConfig.INHERIT,
                RouterLearningConfig.INHERIT);
    }
}
