package dev.tiergate.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tiergate.core.config.AccountingConfig;
import dev.tiergate.core.config.AdminConfig;
import dev.tiergate.core.config.AliasConfig;
import dev.tiergate.core.config.DeploymentConfig;
import dev.tiergate.core.config.ExactCacheConfig;
import dev.tiergate.core.config.RoutingPolicyConfig;
import dev.tiergate.core.config.SemanticCacheConfig;
import dev.tiergate.core.config.TeamAccountingConfig;
import dev.tiergate.core.config.TeamCacheConfig;
import dev.tiergate.core.config.ApiKeyConfig;
import dev.tiergate.core.config.GatewayConfig;
import dev.tiergate.core.config.ModelConfig;
import dev.tiergate.core.config.Pricing;
import dev.tiergate.core.config.ProviderConfig;
import dev.tiergate.core.config.ResilienceConfig;
import dev.tiergate.core.config.ResponsesConfig;
import dev.tiergate.core.config.OverloadLimits;
import dev.tiergate.core.config.ServerConfig;
import dev.tiergate.core.config.TeamConfig;
import dev.tiergate.core.config.TeamPromptCacheConfig;
import dev.tiergate.core.config.TelemetryConfig;
import dev.tiergate.core.resilience.CircuitBreakerPolicy;
import dev.tiergate.core.resilience.RetryPolicy;
import java.math.BigDecimal;
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
    private static final Set<String> TOP_KEYS = union(Set.of("server", "providers", "models", "aliases", "cache",
            "router", "resilience", ResponsesConfigReader.SECTION, TelemetryConfigReader.SECTION, AdminConfigReader.SECTION),
            AccountingConfigReader.GATEWAY_KEYS);
    private static final Set<String> CACHE_KEYS = Set.of("exact", "semantic");
    private static final Set<String> EXACT_CACHE_KEYS = Set.of("enabled", "max-size-mb", "ttl-seconds", "cache-non-deterministic");
    private static final Set<String> TEAM_CACHE_KEYS = Set.of("ttl-seconds", "namespace", "cache-non-deterministic", "semantic");
    private static final Set<String> SERVER_KEYS = Set.of("host", "port", "max-request-bytes",
            "idle-timeout-seconds", "request-timeout-seconds", "io-threads", "request-read-timeout-seconds",
            "shutdown-grace-seconds", "management-host", "management-port", "ready-max-heap-percent",
            "auth-failures-per-minute", "max-in-flight", "max-buffered-request-mb", "write-timeout-seconds");
    private static final Set<String> PROVIDER_KEYS = Set.of("type", "base-url", "api-key", "optional",
            "connect-timeout-ms", "read-timeout-ms", "max-connections", "headers", "options");
    private static final Set<String> PROVIDER_TYPES = Set.of("openai", "anthropic", "gemini", "demo");
    /** Types whose adapter knows the public API's base URL; the others need {@code base-url}. */
    private static final Set<String> TYPES_WITH_DEFAULT_URL = Set.of("anthropic", "gemini", "demo");
    private static final Set<String> MODEL_KEYS = Set.of("provider", "upstream-model", "kind", "price",
            "max-output-tokens", "deployments", "fallbacks", "retry");
    private static final Set<String> DEPLOYMENT_KEYS = Set.of("provider", "upstream-model", "weight");
    private static final Set<String> RESILIENCE_KEYS = Set.of("retry", "circuit-breaker", "deadline-seconds");
    private static final Set<String> RETRY_KEYS = Set.of("max-attempts", "initial-backoff-ms", "max-backoff-ms", "jitter");
    private static final Set<String> CIRCUIT_BREAKER_KEYS = Set.of("failure-threshold", "cool-down-seconds");
    private static final Set<String> PRICE_KEYS = Set.of("input", "output", "cached-input", "cache-write",
            "cache-write-1h");
    private static final Set<String> ALIAS_KEYS = Set.of("default-tier", "tiers");
    private static final Set<String> TEAM_KEYS = union(Set.of("id", "keys", "allowed-models", "default-model", "aliases",
            "cache", "router", "prompt-cache"), AccountingConfigReader.TEAM_KEYS);
    private static final Set<String> TEAM_PROMPT_CACHE_KEYS = Set.of("auto-breakpoints", "cache-key", "prefix-affinity");
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
        ResilienceConfig resilience = resilience(g, server);
        Set<String> skippedModels = new HashSet<>();
        Map<String, ModelConfig> models = models(g, providers, skippedProviders, skippedModels, resilience.retry());
        Map<String, AliasConfig> aliases = aliases(g, "aliases", models, skippedModels);
        ExactCacheConfig exactCache = exactCache(g);
        SemanticCacheConfig semanticCache = StageYaml.semanticCache(g);
        RoutingPolicyConfig router = StageYaml.router(g);
        AccountingConfig accounting = AccountingConfigReader.gateway(g);
        ResponsesConfig responses = ResponsesConfigReader.read(g, accounting);
        TelemetryConfig telemetry = TelemetryConfigReader.read(g);
        AdminConfig admin = AdminConfigReader.read(g, accounting);
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
        return new GatewayConfig(server, providers, models, aliases, teams, exactCache, semanticCache, router,
                resilience, accounting, responses, telemetry, admin);
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
                (int) g.number("server.io-threads", d.ioThreads(), 0, 1024),
                Duration.ofSeconds(g.number("server.request-read-timeout-seconds", d.requestReadTimeout().toSeconds(), 1, 3_600)),
                Duration.ofSeconds(g.number("server.shutdown-grace-seconds", d.shutdownGrace().toSeconds(), 0, 3_600)),
                g.string("server.management-host", d.managementHost()),
                managementPort(g, d.managementPort()),
                (int) g.number("server.ready-max-heap-percent", d.readyMaxHeapPercent(), 0, 100),
                (int) g.number("server.auth-failures-per-minute", d.authFailuresPerMinute(), 0, 1_000_000),
                overload(g, d.overload()));
    }

    private static OverloadLimits overload(YamlFields g, OverloadLimits d) {
        return new OverloadLimits(
                (int) g.number("server.max-in-flight", d.maxInFlight(), 1, 10_000_000),
                g.number("server.max-buffered-request-mb", d.maxBufferedRequestBytes() / (1024 * 1024), 0, 1_048_576)
                        * 1024 * 1024,
                Duration.ofSeconds(g.number("server.write-timeout-seconds", d.writeTimeout().toSeconds(), 1, 86_400)));
    }

    /** {@code server.management-port}: a port (0: any free one), or {@code off} / {@code false} for none. */
    private static int managementPort(YamlFields g, int defaultValue) {
        String value = g.string("server.management-port", null);
        if (value == null) {
            return defaultValue;
        }
        String v = value.trim();
        if (v.equals("off") || v.equals("false")) {
            return ServerConfig.MANAGEMENT_OFF;
        }
        try {
            int port = Integer.parseInt(v);
            if (port >= 0 && port <= 65_535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        g.problem("server.management-port", "'" + value + "' (expected: a port from 0 to 65535, or off)");
        return defaultValue;
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

    private static ResilienceConfig resilience(YamlFields g, ServerConfig server) {
        g.onlyKeys("resilience", RESILIENCE_KEYS);
        g.onlyKeys("resilience.circuit-breaker", CIRCUIT_BREAKER_KEYS);
        ResilienceConfig d = ResilienceConfig.defaults();
        RetryPolicy retry = retry(g, "resilience.retry", d.retry());
        CircuitBreakerPolicy breaker = new CircuitBreakerPolicy(
                (int) g.number("resilience.circuit-breaker.failure-threshold", d.circuitBreaker().failureThreshold(), 1, 10_000),
                Duration.ofSeconds(g.number("resilience.circuit-breaker.cool-down-seconds",
                        d.circuitBreaker().coolDown().toSeconds(), 0, 86_400)));
        long limit = server.requestTimeout().toSeconds();
        long deadline = g.number("resilience.deadline-seconds", limit, 1, 86_400);
        if (deadline > limit) {
            g.problem("resilience.deadline-seconds", deadline + " (expected: at most server.request-timeout-seconds, "
                    + limit + ")");
            deadline = limit;
        }
        return new ResilienceConfig(retry, breaker, g.node("resilience.deadline-seconds") == null ? null
                : Duration.ofSeconds(deadline));
    }

    /** A {@code retry:} block; absent keys take {@code d}'s values. */
    private static RetryPolicy retry(YamlFields g, String path, RetryPolicy d) {
        g.onlyKeys(path, RETRY_KEYS);
        int attempts = (int) g.number(path + ".max-attempts", d.maxAttempts(), 1, 20);
        long initial = g.number(path + ".initial-backoff-ms", d.initialBackoff().toMillis(), 0, 600_000);
        long max = g.number(path + ".max-backoff-ms", Math.max(d.maxBackoff().toMillis(), initial), 0, 600_000);
        if (max < initial) {
            g.problem(path + ".max-backoff-ms", max + " (expected: at least initial-backoff-ms, " + initial + ")");
            max = initial;
        }
        BigDecimal jitter = g.decimal(path + ".jitter", BigDecimal.valueOf(d.jitter()));
        if (jitter.compareTo(BigDecimal.ONE) > 0) {
            g.problem(path + ".jitter", jitter + " (expected: between 0 and 1)");
        }
        double share = Math.min(1, Math.max(0, jitter.doubleValue()));
        return new RetryPolicy(attempts, Duration.ofMillis(initial), Duration.ofMillis(max), share);
    }

    private static TeamCacheConfig teamCache(YamlFields t) {
        t.onlyKeys("cache", TEAM_CACHE_KEYS);
        long ttl = t.number("cache.ttl-seconds", -1, 0, 365L * 86_400);
        String namespace = t.string("cache.namespace", null);
        Boolean nonDeterministic = t.node("cache.cache-non-deterministic") == null ? null
                : t.bool("cache.cache-non-deterministic", true);
        return new TeamCacheConfig(ttl < 0 ? null : Duration.ofSeconds(ttl), namespace, nonDeterministic,
                StageYaml.teamSemanticCache(t));
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
            String responses = options.get("responses");
            if (responses != null && (!"openai".equals(type)
                    || !responses.equals("translate") && !responses.equals("passthrough"))) {
                g.problem(p + ".options.responses", "'" + responses + "' (expected: translate or passthrough, "
                        + "on an openai provider)");
            }
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

    static Map<String, String> stringMap(YamlFields g, String path) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String key : g.keys(path)) {
            out.put(key, g.string(path + "." + key, ""));
        }
        return out;
    }

    private static Map<String, ModelConfig> models(YamlFields g, Map<String, ProviderConfig> providers,
                                                   Set<String> skippedProviders, Set<String> skippedModels,
                                                   RetryPolicy defaultRetry) {
        Map<String, ModelConfig> out = new LinkedHashMap<>();
        for (String name : g.keys("models")) {
            String p = "models." + name;
            g.onlyKeys(p, MODEL_KEYS);
            g.onlyKeys(p + ".price", PRICE_KEYS);
            String kind = g.string(p + ".kind", ModelConfig.CHAT);
            if (!ModelConfig.CHAT.equals(kind) && !ModelConfig.EMBEDDING.equals(kind)) {
                g.problem(p + ".kind", "'" + kind + "' (expected: chat or embedding)");
            }
            String upstream = g.string(p + ".upstream-model", name);
            List<String> fallbacks = g.strings(p + ".fallbacks");
            RetryPolicy retry = g.node(p + ".retry") == null ? null : retry(g, p + ".retry", defaultRetry);
            List<DeploymentConfig> deployments = deployments(g, p, upstream, providers, skippedProviders);
            if (deployments == null) {
                continue;
            }
            if (deployments.isEmpty()) {
                skippedModels.add(name);
                continue;
            }
            ProviderConfig first = providers.get(deployments.getFirst().provider());
            Pricing pricing = AccountingConfigReader.pricing(g, p, name, upstream, first == null ? null : first.type());
            int maxOutput = (int) g.number(p + ".max-output-tokens", ModelConfig.DEFAULT_MAX_OUTPUT_TOKENS, 1, 10_000_000);
            out.put(name, new ModelConfig(name, null, null, kind, pricing, deployments, fallbacks, retry, maxOutput));
        }
        for (ModelConfig model : List.copyOf(out.values())) {
            out.put(model.name(), model.withFallbacks(fallbacks(g, model, out, skippedModels)));
        }
        return out;
    }

    /**
     * A model's single {@code provider} or its {@code deployments}, leaving out those of skipped
     * providers: null after a problem, empty when every provider was skipped.
     */
    private static List<DeploymentConfig> deployments(YamlFields g, String p, String upstream,
                                                      Map<String, ProviderConfig> providers, Set<String> skippedProviders) {
        JsonNode list = g.node(p + ".deployments");
        if (list == null) {
            String provider = g.requiredString(p + ".provider");
            if (provider == null || !knownProvider(g, p + ".provider", provider, providers, skippedProviders)) {
                return null;
            }
            return skippedProviders.contains(provider) ? List.of() : List.of(new DeploymentConfig(provider, upstream, 1));
        }
        if (g.node(p + ".provider") != null) {
            g.problem(p + ".deployments", "given together with provider (expected: one of them)");
            return null;
        }
        if (!list.isArray() || list.isEmpty()) {
            g.problem(p + ".deployments", "expected a list of {provider, upstream-model, weight}");
            return null;
        }
        List<DeploymentConfig> out = new ArrayList<>();
        boolean valid = true;
        for (int i = 0; i < list.size(); i++) {
            String d = p + ".deployments[" + i + "]";
            g.onlyKeys(d, DEPLOYMENT_KEYS);
            String provider = g.requiredString(d + ".provider");
            String model = g.string(d + ".upstream-model", upstream);
            int weight = (int) g.number(d + ".weight", 1, 1, 1_000);
            if (provider == null || !knownProvider(g, d + ".provider", provider, providers, skippedProviders)) {
                valid = false;
            } else if (!skippedProviders.contains(provider)) {
                out.add(new DeploymentConfig(provider, model, weight));
            }
        }
        return valid ? out : null;
    }

    private static boolean knownProvider(YamlFields g, String path, String provider,
                                         Map<String, ProviderConfig> providers, Set<String> skippedProviders) {
        if (providers.containsKey(provider) || skippedProviders.contains(provider)) {
            return true;
        }
        g.problem(path, "'" + provider + "' is not defined under providers");
        return false;
    }

    /** A model's fallbacks that exist, leaving out skipped models; others are problems. */
    private static List<String> fallbacks(YamlFields g, ModelConfig model, Map<String, ModelConfig> models,
                                          Set<String> skippedModels) {
        String path = "models." + model.name() + ".fallbacks";
        List<String> out = new ArrayList<>();
        if (model.isEmbedding() && !model.fallbacks().isEmpty()) {
            g.problem(path, "an embedding model has no fallbacks (expected: chat models only)");
            return out;
        }
        for (String name : model.fallbacks()) {
            ModelConfig fallback = models.get(name);
            if (name.equals(model.name())) {
                g.problem(path, "'" + name + "' is the model itself (expected: other chat models)");
            } else if (fallback == null && !skippedModels.contains(name)) {
                g.problem(path, "model '" + name + "' is not defined under models");
            } else if (fallback != null && fallback.isEmbedding()) {
                g.problem(path, "'" + name + "' is an embedding model (expected: chat models)");
            } else if (fallback != null) {
                out.add(name);
            }
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
        RoutingPolicyConfig router = StageYaml.router(t);
        TeamAccountingConfig accounting = AccountingConfigReader.team(t, models::containsKey);
        return id == null ? null : new TeamConfig(id, keys, allowed, defaultModel, teamAliases, cache, router,
                accounting, promptCache(t));
    }

    /** A team's {@code prompt-cache} switches, each on unless set to false. */
    private static TeamPromptCacheConfig promptCache(YamlFields t) {
        t.onlyKeys("prompt-cache", TEAM_PROMPT_CACHE_KEYS);
        TeamPromptCacheConfig on = TeamPromptCacheConfig.DEFAULTS;
        return new TeamPromptCacheConfig(t.bool("prompt-cache.auto-breakpoints", on.autoBreakpoints()),
                t.bool("prompt-cache.cache-key", on.cacheKey()),
                t.bool("prompt-cache.prefix-affinity", on.prefixAffinity()));
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }
}
