package dev.tiergate.core.config;

import java.util.Map;

/** The whole, validated configuration: gateway.yaml plus the teams folder. */
public record GatewayConfig(
        ServerConfig server,
        Map<String, ProviderConfig> providers,
        Map<String, ModelConfig> models,
        Map<String, AliasConfig> aliases,
        Map<String, TeamConfig> teams,
        ExactCacheConfig exactCache,
        AccountingConfig accounting) {

    public GatewayConfig {
        providers = Map.copyOf(providers);
        models = Map.copyOf(models);
        aliases = Map.copyOf(aliases);
        teams = Map.copyOf(teams);
        exactCache = exactCache == null ? ExactCacheConfig.disabled() : exactCache;
        accounting = accounting == null ? AccountingConfig.defaults() : accounting;
    }

    public GatewayConfig(ServerConfig server, Map<String, ProviderConfig> providers, Map<String, ModelConfig> models,
                         Map<String, AliasConfig> aliases, Map<String, TeamConfig> teams, ExactCacheConfig exactCache) {
        this(server, providers, models, aliases, teams, exactCache, AccountingConfig.defaults());
    }

    /** A config without caches (tests that build one by hand). */
    public GatewayConfig(ServerConfig server, Map<String, ProviderConfig> providers, Map<String, ModelConfig> models,
                         Map<String, AliasConfig> aliases, Map<String, TeamConfig> teams) {
        this(server, providers, models, aliases, teams, ExactCacheConfig.disabled());
    }

    public GatewayConfig withServer(ServerConfig newServer) {
        return new GatewayConfig(newServer, providers, models, aliases, teams, exactCache, accounting);
    }

    public GatewayConfig withAccounting(AccountingConfig newAccounting) {
        return new GatewayConfig(server, providers, models, aliases, teams, exactCache, newAccounting);
    }
}
