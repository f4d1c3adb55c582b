package dev.tiergate.server.config;

import dev.tiergate.core.config.AccountingConfig;
import dev.tiergate.core.config.AliasConfig;
import dev.tiergate.core.config.ExactCacheConfig;
import dev.tiergate.core.config.TeamAccountingConfig;
import dev.tiergate.core.config.TeamCacheConfig;
import dev.tiergate.core.config.ApiKeyConfig;
import dev.tiergate.core.config.GatewayConfig;
import dev.tiergate.core.config.ModelConfig;
import dev.tiergate.core.config.Pricing;
import dev.tiergate.core.config.ProviderConfig;
import dev.tiergate.core.config.ServerConfig;
import dev.tiergate.core.config.TeamConfig;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Turns a {@link ConfigSource} into a validated {@link GatewayConfig}, or a {@link ConfigException}
 * listing every problem with its file, line and field. Providers marked {@code optional: true}
 * whose {@code api-key} resolves to empty are left out, with their models; aliases skip models that
 * are left out.
 */
public final class ConfigLoader {
    private static final Set<String> TOP_KEYS = union(Set.of("server", "providers", "models", "aliases", "cache"),
            AccountingConfigReader.GATEWAY_KEYS);
    private static final Set<String> CACHE_KEYS = Set.of("exact");
    private static final Set<String> EXACT_CACHE_KEYS = Set.of("enabled", "max-size-mb", "ttl-seconds", "cache-non-deterministic");
    private static final Set<String> TEAM_CACHE_KEYS = Set.of("ttl-seconds", "namespace", "cache-non-deterministic");
    private static final Set<String> SERVER_KEYS = Set.of("host", "port", "max-request-bytes",
            "idle-timeout-seconds", "request-timeout-seconds", "io-threads");
    private static final Set<String> PROVIDER_KEYS = Set.of("type", "base-url", "api-key", "optional",
            "connect-timeout-ms", "read-timeout-ms", "max-connections", "headers", "options");
    private static final Set<String> PROVIDER_TYPES = Set.of("openai", "anthropic", "gemini", "demo");
    /** Types whose adapter knows the public API's base URL; the others need {@code base-url}. */
    private static final Set<String> TYPES_WITH_DEFAULT_URL = Set.of("anthropic", "gemini", "demo");
    private static final Set<String> MODEL_KEYS = Set.of("provider", "upstream-model", "kind", "price");
    private static final Set<String> PRICE_KEYS = Set.of("input", "output", "cached-input");
    private static final Set<String> ALIAS_KEYS = Set.of("default-tier", "tiers");
    private static final Set<String> TEAM_KEYS = union(Set.of("id", "keys", "allowed-models", "default-model", "aliases", "cache"),
            AccountingConfigReader.TEAM_KEYS);
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

    private final EnvSubstitution env;

    public ConfigLoader(Function<String, String> env) {
        this.env = new EnvSubstitution(env);
    }

    public static ConfigLoader withSystemEnv() {
        return new ConfigLoader(System::getenv);
    }

    public GatewayConfig load(ConfigSource source) {
        List<String> problems = new ArrayList<>();
        YamlFields g = new YamlFields(LocatedYaml.parse(ConfigSource.GATEWAY_FILE, source.gatewayYaml()), env, problems);
        g.onlyKeys("", TOP_KEYS);
        ServerConfig server = server(g);
        Set<String> skippedProviders = new HashSet<>();
        Map<String, ProviderConfig> providers = providers(g, skippedProviders);
        Set<String> skippedModels = new HashSet<>();
        Map<String, ModelConfig> models = models(g, providers, skippedProviders, skippedModels);
        Map<String, AliasConfig> aliases = aliases(g, "aliases", models, skippedModels);
        ExactCacheConfig exactCache = exactCache(g);
        AccountingConfig accounting = AccountingConfigReader.gateway(g);
        Map<String, TeamConfig> teams = new LinkedHashMap<>();
        Map<String, String> keyOwners = new HashMap<>();
        for (Map.Entry<String, String> file : source.teamFiles().entrySet()) {
            YamlFields t = new YamlFields(LocatedYaml.parse(file.getKey(), file.getValue()), env, problems);
            TeamConfig team = team(t, models, aliases, skippedModels, keyOwners);
            if (team != null) {
                if (teams.containsKey(team.id())) {
                    t.problem("id", "team '" + team.id() + "' is defined twice");
                }
                teams.put(team.id(), team);
            }
        }
        if (teams.isEmpty()) {
            problems.add(source.origin() + ": no team files under teams/ (expected: at least one team with a key)");
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new GatewayConfig(server, providers, models, aliases, teams, exactCache, accounting);
    }

    private static ServerConfig server(YamlFields g) {
        g.onlyKeys("server", SERVER_KEYS);
        ServerConfig d = ServerConfig.defaults();
        return new ServerConfig(
                g.string("server.host", d.host()),
                (int) g.number("server.port", d.port(), 0, 65_535),
                (int) g.number("server.max-request-bytes", d.maxRequestBytes(), 1024, 256L * 1024 * 1024),
                Duration.ofSeconds(g.number("server.idle-timeout-seconds", d.idleTimeout().toSeconds(), 1, 86_400)),
                Duration.ofSeconds(g.number("server.request-timeout-seconds", d.requestTimeout().toSeconds(), 1, 86_400)),
                (int) g.number("server.io-threads", d.ioThreads(), 0, 1024));
    }

    private static ExactCacheConfig exactCache(YamlFields g) {
        g.onlyKeys("cache", CACHE_KEYS);
        g.onlyKeys("cache.exact", EXACT_CACHE_KEYS);
        ExactCacheConfig d = ExactCacheConfig.defaults();
        return new ExactCacheConfig(
                g.bool("cache.exact.enabled", d.enabled()),
                g.number("cache.exact.max-size-mb", d.maxSizeMb(), 1, 1_048_576),
                Duration.ofSeconds(g.number("cache.exact.ttl-seconds", d.ttl().toSeconds(), 0, 365L * 86_400)),
                g.bool("cache.exact.cache-non-deterministic", d.cacheNonDeterministic()));
    }

    private static TeamCacheConfig teamCache(YamlFields t) {
        t.onlyKeys("cache", TEAM_CACHE_KEYS);
        long ttl = t.number("cache.ttl-seconds", -1, 0, 365L * 86_400);
        String namespace = t.string("cache.namespace", null);
        Boolean nonDeterministic = t.node("cache.cache-non-deterministic") == null ? null
                : t.bool("cache.cache-non-deterministic", true);
        return new TeamCacheConfig(ttl < 0 ? null : Duration.ofSeconds(ttl), namespace, nonDeterministic);
    }

    private static Map<String, ProviderConfig> providers(YamlFields g, Set<String> skipped) {
        Map<String, ProviderConfig> out = new LinkedHashMap<>();
        for (String id : g.keys("providers")) {
            String p = "providers." + id;
            g.onlyKeys(p, PROVIDER_KEYS);
            String type = g.requiredString(p + ".type");
            if (type != null && !PROVIDER_TYPES.contains(type)) {
                g.problem(p + ".type", "'" + type + "' (expected one of: " + String.join(", ", new java.util.TreeSet<>(PROVIDER_TYPES)) + ")");
            }
            String apiKey = g.string(p + ".api-key", "");
            boolean optional = g.bool(p + ".optional", false);
            URI baseUrl = null;
            String url = g.string(p + ".base-url", null);
            if (url != null) {
                try {
                    baseUrl = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
                    if (!("http".equals(baseUrl.getScheme()) || "https".equals(baseUrl.getScheme())) || baseUrl.getHost() == null) {
                        g.problem(p + ".base-url", "'" + url + "' (expected: http(s)://host[:port]/path)");
                    }
                } catch (IllegalArgumentException e) {
                    g.problem(p + ".base-url", "'" + url + "' is not a URL (expected: http(s)://host[:port]/path)");
                }
            } else if (type != null && !TYPES_WITH_DEFAULT_URL.contains(type)) {
                g.problem(p + ".base-url", "missing (expected: the provider's API base URL, e.g. https://api.openai.com/v1)");
            }
            Map<String, String> headers = stringMap(g, p + ".headers");
            Map<String, String> options = stringMap(g, p + ".options");
            if (optional && apiKey.isEmpty()) {
                skipped.add(id);
                continue;
            }
            out.put(id, new ProviderConfig(id, type, baseUrl, apiKey,
                    Duration.ofMillis(g.number(p + ".connect-timeout-ms", 5_000, 1, 600_000)),
                    Duration.ofMillis(g.number(p + ".read-timeout-ms", 120_000, 1, 3_600_000)),
                    (int) g.number(p + ".max-connections", 256, 1, 100_000), headers, options));
        }
        return out;
    }

    private static Map<String, String> stringMap(YamlFields g, String path) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String key : g.keys(path)) {
            out.put(key, g.string(path + "." + key, ""));
        }
        return out;
    }

    private static Map<String, ModelConfig> models(YamlFields g, Map<String, ProviderConfig> providers,
                                                   Set<String> skippedProviders, Set<String> skippedModels) {
        Map<String, ModelConfig> out = new LinkedHashMap<>();
        for (String name : g.keys("models")) {
            String p = "models." + name;
            g.onlyKeys(p, MODEL_KEYS);
            g.onlyKeys(p + ".price", PRICE_KEYS);
            String provider = g.requiredString(p + ".provider");
            String kind = g.string(p + ".kind", ModelConfig.CHAT);
            if (!ModelConfig.CHAT.equals(kind) && !ModelConfig.EMBEDDING.equals(kind)) {
                g.problem(p + ".kind", "'" + kind + "' (expected: chat or embedding)");
            }
            String upstream = g.string(p + ".upstream-model", name);
            Pricing pricing = AccountingConfigReader.pricing(g, p, name, upstream);
            if (provider == null) {
                continue;
            }
            if (skippedProviders.contains(provider)) {
                skippedModels.add(name);
                continue;
            }
            if (!providers.containsKey(provider)) {
                g.problem(p + ".provider", "'" + provider + "' is not defined under providers");
                continue;
            }
            out.put(name, new ModelConfig(name, provider, upstream, kind, pricing));
        }
        return out;
    }

    private static Map<String, AliasConfig> aliases(YamlFields y, String path, Map<String, ModelConfig> models,
                                                    Set<String> skippedModels) {
        Map<String, AliasConfig> out = new LinkedHashMap<>();
        for (String name : y.keys(path)) {
            String p = path + "." + name;
            y.onlyKeys(p, ALIAS_KEYS);
            if (models.containsKey(name)) {
                y.problem(p, "alias '" + name + "' has the name of a model");
            }
            Map<String, List<String>> tiers = new LinkedHashMap<>();
            for (String tier : y.keys(p + ".tiers")) {
                List<String> available = new ArrayList<>();
                for (String model : y.strings(p + ".tiers." + tier)) {
                    if (models.containsKey(model)) {
                        available.add(model);
                    } else if (!skippedModels.contains(model)) {
                        y.problem(p + ".tiers." + tier, "model '" + model + "' is not defined under models");
                    }
                }
                if (available.isEmpty()) {
                    y.problem(p + ".tiers." + tier, "no available model (expected: at least one model)");
                }
                tiers.put(tier, available);
            }
            if (tiers.isEmpty()) {
                y.problem(p + ".tiers", "missing (expected: tiers such as small, mid, frontier, each a list of models)");
                continue;
            }
            String defaultTier = y.string(p + ".default-tier", tiers.keySet().iterator().next());
            if (!tiers.containsKey(defaultTier)) {
                y.problem(p + ".default-tier", "'" + defaultTier + "' is not one of its tiers " + tiers.keySet());
            }
            out.put(name, new AliasConfig(name, tiers, defaultTier));
        }
        return out;
    }

    private static TeamConfig team(YamlFields t, Map<String, ModelConfig> models, Map<String, AliasConfig> aliases,
                                   Set<String> skippedModels, Map<String, String> keyOwners) {
        t.onlyKeys("", TEAM_KEYS);
        String id = t.requiredString("id");
        if (id != null && !ID.matcher(id).matches()) {
            t.problem("id", "'" + id + "' (expected: letters, digits, '.', '_', ':' or '-')");
        }
        List<ApiKeyConfig> keys = new ArrayList<>();
        com.fasterxml.jackson.databind.JsonNode keyList = t.node("keys");
        if (keyList == null || !keyList.isArray() || keyList.isEmpty()) {
            t.problem("keys", "missing (expected: a list of {id, sha256} entries)");
        } else {
            for (int i = 0; i < keyList.size(); i++) {
                com.fasterxml.jackson.databind.JsonNode k = keyList.get(i);
                String path = "keys[" + i + "]";
                String keyId = k.path("id").asText("");
                String hash = k.path("sha256").asText("").toLowerCase(java.util.Locale.ROOT);
                if (keyId.isEmpty()) {
                    t.problem(path + ".id", "missing (expected: a name for the key, shown in logs)");
                }
                if (!SHA256.matcher(hash).matches()) {
                    t.problem(path + ".sha256", "expected the 64 hex digits of the key's SHA-256 "
                            + "(e.g. printf %s \"$KEY\" | sha256sum)");
                    continue;
                }
                String owner = keyOwners.putIfAbsent(hash, id);
                if (owner != null) {
                    t.problem(path + ".sha256", "the same key is already used by team '" + owner + "'");
                }
                keys.add(new ApiKeyConfig(keyId, hash));
            }
        }
        Map<String, AliasConfig> teamAliases = aliases(t, "aliases", models, skippedModels);
        Set<String> allowed = new LinkedHashSet<>(t.strings("allowed-models"));
        if (allowed.isEmpty()) {
            allowed.add("*");
        }
        allowed.removeIf(skippedModels::contains);
        for (String m : allowed) {
            if (!m.equals("*") && !models.containsKey(m) && !aliases.containsKey(m) && !teamAliases.containsKey(m)) {
                t.problem("allowed-models", "'" + m + "' is neither a model nor an alias");
            }
        }
        String defaultModel = t.string("default-model", null);
        if (defaultModel != null && !models.containsKey(defaultModel) && !aliases.containsKey(defaultModel)
                && !teamAliases.containsKey(defaultModel)) {
            t.problem("default-model", "'" + defaultModel + "' is neither a model nor an alias");
        }
        TeamCacheConfig cache = teamCache(t);
        TeamAccountingConfig accounting = AccountingConfigReader.team(t, models::containsKey);
        return id == null ? null : new TeamConfig(id, keys, allowed, defaultModel, teamAliases, cache, accounting);
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }
}
