package dev.tiergate.core.config;

import java.time.Duration;
import java.util.Map;

/** The whole, validated configuration: gateway.yaml plus the teams folder. */
public record GatewayConfig(
        ServerConfig server,
        Map<String, ProviderConfig> providers,
        Map<String, ModelConfig> models,
        Map<String, AliasConfig> aliases,
        Map<String, TeamConfig> teams,
        ExactCacheConfig exactCache,
        SemanticCacheConfig semanticCache,
        RoutingPolicyConfig router,
        ResilienceConfig resilience,
        AccountingConfig accounting,
        ResponsesConfig responses,
        TelemetryConfig telemetry,
        AdminConfig admin) {

    public GatewayConfig {
        providers = Map.copyOf(providers);
        models = Map.copyOf(models);
        aliases = Map.copyOf(aliases);
        teams = Map.copyOf(teams);
        exactCache = exactCache == null ? ExactCacheConfig.disabled() : exactCache;
        semanticCache = semanticCache == null ? SemanticCacheConfig.disabled() : semanticCache;
        router = router == null ? RoutingPolicyConfig.INHERIT : router;
        resilience = resilience == null ? ResilienceConfig.defaults() : resilience;
        accounting = accounting == null ? AccountingConfig.defaults() : accounting;
        responses = responses == null ? ResponsesConfig.defaults() : responses;
        telemetry = telemetry == null ? TelemetryConfig.UNSET : telemetry;
        admin = admin == null ? AdminConfig.defaults() : admin;
    }

    /** A config with the defaults of {@code telemetry} (unset: the OTEL_* variables decide) and {@code admin}. */
    public GatewayConfig(ServerConfig server, Map<String, ProviderConfig> providers, Map<String, ModelConfig> models,
                         Map<String, AliasConfig> aliases, Map<String, TeamConfig> teams, ExactCacheConfig exactCache,
                         SemanticCacheConfig semanticCache, RoutingPolicyConfig router, ResilienceConfig resilience,
                         AccountingConfig accounting, ResponsesConfig responses) {
        this(server, providers, models, aliases, teams, exactCache, semanticCache, router, resilience, accounting,
                responses, null, null);
    }

    /** A config with the Responses API's defaults (an in-memory store). */
    public GatewayConfig(ServerConfig server, Map<String, ProviderConfig> providers, Map<String, ModelConfig> models,
                         Map<String, AliasConfig> aliases, Map<String, TeamConfig> teams, ExactCacheConfig exactCache,
                         SemanticCacheConfig semanticCache, RoutingPolicyConfig router, ResilienceConfig resilience,
                         AccountingConfig accounting) {
        this(server, providers, models, aliases, teams, exactCache, semanticCache, router, resilience, accounting,
                null);
    }

    /** A config with the exact cache only and defaults elsewhere (tests that build one by hand). */
    public GatewayConfig(ServerConfig server, Map<String, ProviderConfig> providers, Map<String, ModelConfig> models,
                         Map<String, AliasConfig> aliases, Map<String, TeamConfig> teams, ExactCacheConfig exactCache) {
        this(server, providers, models, aliases, teams, exactCache, null, null, null, null);
    }

    /** Whether the complexity router stage runs: {@code router.enabled} in gateway.yaml (default off). */
    public boolean routerEnabled() {
        return Boolean.TRUE.equals(router.enabled());
    }

    /** A config without caches (tests that build one by hand). */
    public GatewayConfig(ServerConfig server, Map<String, ProviderConfig> providers, Map<String, ModelConfig> models,
                         Map<String, AliasConfig> aliases, Map<String, TeamConfig> teams) {
        this(server, providers, models, aliases, teams, ExactCacheConfig.disabled());
    }

    public GatewayConfig withServer(ServerConfig newServer) {
        return new GatewayConfig(newServer, providers, models, aliases, teams, exactCache, semanticCache, router,
                resilience, accounting, responses, telemetry, admin);
    }

    public GatewayConfig withAccounting(AccountingConfig newAccounting) {
        return new GatewayConfig(server, providers, models, aliases, teams, exactCache, semanticCache, router,
                resilience, newAccounting, responses, telemetry, admin);
    }

    public GatewayConfig withResponses(ResponsesConfig newResponses) {
        return new GatewayConfig(server, providers, models, aliases, teams, exactCache, semanticCache, router,
                resilience, accounting, newResponses, telemetry, admin);
    }

    public GatewayConfig withTelemetry(TelemetryConfig newTelemetry) {
        return new GatewayConfig(server, providers, models, aliases, teams, exactCache, semanticCache, router,
                resilience, accounting, responses, newTelemetry, admin);
    }

    public GatewayConfig withAdmin(AdminConfig newAdmin) {
        return new GatewayConfig(server, providers, models, aliases, teams, exactCache, semanticCache, router,
                resilience, accounting, responses, telemetry, newAdmin);
    }

    /** The bound on all upstream attempts of one request: the resilience deadline, else the request timeout. */
    public Duration deadline() {
        return resilience.deadline() != null ? resilience.deadline() : server.requestTimeout();
    }
}
