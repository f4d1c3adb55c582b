package dev.tiergate.core.config;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One file under {@code teams/}. {@code allowedModels} names models and aliases the team may use;
 * {@code "*"} allows all. {@code defaultModel} is listed first by {@code /v1/models} (OpenAI
 * requires every request to name a model, so it never replaces one). {@code aliases} add to or
 * override the gateway's aliases for this team.
 */
public record TeamConfig(
        String id,
        List<ApiKeyConfig> keys,
        Set<String> allowedModels,
        String defaultModel,
        Map<String, AliasConfig> aliases,
        TeamCacheConfig cache,
        RoutingPolicyConfig router,
        TeamAccountingConfig accounting,
        TeamPromptCacheConfig promptCache) {

    public TeamConfig {
        router = router == null ? RoutingPolicyConfig.INHERIT : router;
        keys = List.copyOf(keys);
        allowedModels = Set.copyOf(allowedModels);
        aliases = aliases == null ? Map.of() : Map.copyOf(aliases);
        cache = cache == null ? TeamCacheConfig.INHERIT : cache;
        accounting = accounting == null ? TeamAccountingConfig.DEFAULTS : accounting;
        promptCache = promptCache == null ? TeamPromptCacheConfig.DEFAULTS : promptCache;
    }

    /** With the default use of the providers' prompt caches. */
    public TeamConfig(String id, List<ApiKeyConfig> keys, Set<String> allowedModels, String defaultModel,
                      Map<String, AliasConfig> aliases, TeamCacheConfig cache, RoutingPolicyConfig router,
                      TeamAccountingConfig accounting) {
        this(id, keys, allowedModels, defaultModel, aliases, cache, router, accounting, null);
    }

    public TeamConfig(String id, List<ApiKeyConfig> keys, Set<String> allowedModels, String defaultModel,
                      Map<String, AliasConfig> aliases) {
        this(id, keys, allowedModels, defaultModel, aliases, TeamCacheConfig.INHERIT, null, null, null);
    }

    public TeamConfig(String id, List<ApiKeyConfig> keys, Set<String> allowedModels, String defaultModel,
                      Map<String, AliasConfig> aliases, TeamCacheConfig cache) {
        this(id, keys, allowedModels, defaultModel, aliases, cache, null, null, null);
    }

    /** This team with other accounting settings. */
    public TeamConfig withAccounting(TeamAccountingConfig newAccounting) {
        return new TeamConfig(id, keys, allowedModels, defaultModel, aliases, cache, router, newAccounting);
    }

    public boolean allows(String model) {
        return allowedModels.contains("*") || allowedModels.contains(model);
    }
}
