package dev.tiergate.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tiergate.core.accounting.Limits;
import dev.tiergate.core.config.AccountingConfig;
import dev.tiergate.core.config.ApiKeyConfig;
import dev.tiergate.core.config.Pricing;
import dev.tiergate.core.config.TeamAccountingConfig;
import dev.tiergate.core.config.UsageStoreConfig;
import java.math.BigDecimal;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Reads the accounting parts of the config: {@code redis}, {@code admin-keys}, {@code usage} and
 * {@code metrics} in gateway.yaml; prices (with the bundled defaults); {@code limits},
 * {@code keys[].limits}, {@code log-prompts} and {@code baseline-model} in team files.
 */
final class AccountingConfigReader {
    static final Set<String> GATEWAY_KEYS = Set.of("redis", "admin-keys", "usage", "metrics");
    static final Set<String> TEAM_KEYS = Set.of("limits", "log-prompts", "baseline-model", "allow-priced-fields",
            "on-budget");
    private static final Set<String> REDIS_KEYS = Set.of("url", "key-prefix");
    private static final Set<String> USAGE_KEYS = Set.of("file", "fsync", "fsync-interval-ms", "keep-records-days",
            "compact-after-mb");
    private static final Set<String> METRICS_KEYS = Set.of("enabled");
    private static final Set<String> ADMIN_KEY_KEYS = Set.of("id", "sha256");
    private static final Set<String> API_KEY_KEYS = Set.of("id", "sha256", "limits");
    private static final Set<String> LIMIT_KEYS = Set.of("requests-per-minute", "tokens-per-minute",
            "monthly-budget-usd", "soft-budget-percent");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private AccountingConfigReader() {
    }

    static AccountingConfig gateway(YamlFields g) {
        g.onlyKeys("redis", REDIS_KEYS);
        g.onlyKeys("usage", USAGE_KEYS);
        g.onlyKeys("metrics", METRICS_KEYS);
        String url = g.string("redis.url", "").trim();
        if (!url.isEmpty()) {
            try {
                String scheme = URI.create(url).getScheme();
                if (!"redis".equals(scheme) && !"rediss".equals(scheme) && !"redis-sentinel".equals(scheme)) {
                    g.problem("redis.url", "'" + url + "' (expected: redis://host:port, rediss://... or empty for none)");
                }
            } catch (IllegalArgumentException e) {
                g.problem("redis.url", "'" + url + "' is not a URL (expected: redis://host:port)");
            }
        }
        List<ApiKeyConfig> admins = new ArrayList<>();
        JsonNode list = g.node("admin-keys");
        if (list != null && !list.isArray()) {
            g.problem("admin-keys", "expected a list of {id, sha256} entries");
        } else if (list != null) {
            for (int i = 0; i < list.size(); i++) {
                String path = "admin-keys[" + i + "]";
                g.onlyKeys(path, ADMIN_KEY_KEYS);
                ApiKeyConfig key = apiKey(g, path);
                if (key != null) {
                    admins.add(key);
                }
            }
        }
        return new AccountingConfig(url, g.string("redis.key-prefix", AccountingConfig.DEFAULT_KEY_PREFIX), admins,
                g.string("usage.file", AccountingConfig.DEFAULT_USAGE_FILE), g.bool("metrics.enabled", true),
                usageStore(g));
    }

    /** {@code usage.fsync}, {@code usage.fsync-interval-ms}, {@code usage.keep-records-days}, {@code usage.compact-after-mb}. */
    private static UsageStoreConfig usageStore(YamlFields g) {
        String name = g.string("usage.fsync", UsageStoreConfig.Fsync.INTERVAL.yamlName());
        UsageStoreConfig.Fsync fsync = UsageStoreConfig.Fsync.ofYamlName(name);
        if (fsync == null) {
            g.problem("usage.fsync", "'" + name + "' (expected: every-batch, interval or on-close)");
            fsync = UsageStoreConfig.Fsync.INTERVAL;
        }
        return new UsageStoreConfig(fsync,
                (int) g.number("usage.fsync-interval-ms", UsageStoreConfig.DEFAULT_FSYNC_INTERVAL_MS, 10, 60_000),
                (int) g.number("usage.keep-records-days", UsageStoreConfig.DEFAULT_KEEP_RECORDS_DAYS, 1, 3660),
                (int) g.number("usage.compact-after-mb", UsageStoreConfig.DEFAULT_COMPACT_AFTER_MB, 1, 1 << 20));
    }

    /** An {@code {id, sha256}} entry, or null (with a problem) when it is not one. */
    static ApiKeyConfig apiKey(YamlFields y, String path) {
        String id = y.string(path + ".id", "");
        String hash = y.string(path + ".sha256", "").toLowerCase(Locale.ROOT);
        if (id.isEmpty()) {
            y.problem(path + ".id", "missing (expected: a name for the key, shown in logs)");
        }
        if (!SHA256.matcher(hash).matches()) {
            y.problem(path + ".sha256", "expected the 64 hex digits of the key's SHA-256 "
                    + "(e.g. printf %s \"$KEY\" | sha256sum)");
            return null;
        }
        return new ApiKeyConfig(id, hash);
    }

    /**
     * A model's price: fields under {@code price} win; the others come from the bundled list (by
     * upstream model, then name), else 0. When {@code price} sets the input price, the prompt-cache
     * prices it leaves out follow from it by the provider's documented multipliers
     * ({@link PromptCacheMultipliers}); otherwise they are the listed ones.
     */
    static Pricing pricing(YamlFields g, String path, String name, String upstream, String providerType) {
        Pricing listed = DefaultPrices.bundled().lookup(upstream);
        if (listed == null) {
            listed = DefaultPrices.bundled().lookup(name);
        }
        Pricing base = listed == null ? Pricing.FREE : listed;
        BigDecimal input = g.decimal(path + ".price.input", base.inputPerMillion());
        Pricing derived = g.node(path + ".price.input") != null || listed == null
                ? PromptCacheMultipliers.of(providerType).apply(input) : base;
        return new Pricing(input, g.decimal(path + ".price.output", base.outputPerMillion()),
                g.decimal(path + ".price.cached-input", derived.cachedInputPerMillion()),
                g.decimal(path + ".price.cache-write", derived.cacheWritePerMillion()),
                g.decimal(path + ".price.cache-write-1h", derived.cacheWrite1hPerMillion()));
    }

    /** Limits under {@code path} ({@code limits} or {@code keys[i].limits}). */
    static Limits limits(YamlFields t, String path) {
        if (t.node(path) == null) {
            return Limits.NONE;
        }
        t.onlyKeys(path, LIMIT_KEYS);
        BigDecimal budget = t.decimal(path + ".monthly-budget-usd", null);
        return new Limits(
                t.number(path + ".requests-per-minute", 0, 0, 1_000_000_000),
                t.number(path + ".tokens-per-minute", 0, 0, 1_000_000_000_000L),
                budget == null || budget.signum() < 0 ? null : budget,
                (int) t.number(path + ".soft-budget-percent", Limits.DEFAULT_SOFT_BUDGET_PERCENT, 1, 100));
    }

    /** The accounting settings of a team file. */
    static TeamAccountingConfig team(YamlFields t, Predicate<String> isModel) {
        Map<String, Limits> keyLimits = new HashMap<>();
        JsonNode keys = t.node("keys");
        for (int i = 0; keys != null && keys.isArray() && i < keys.size(); i++) {
            String path = "keys[" + i + "]";
            t.onlyKeys(path, API_KEY_KEYS);
            Limits limits = limits(t, path + ".limits");
            if (limits.any()) {
                keyLimits.put(keys.get(i).path("id").asText(""), limits);
            }
        }
        String baseline = t.string("baseline-model", null);
        if (baseline != null && !isModel.test(baseline)) {
            t.problem("baseline-model", "'" + baseline + "' is not a model defined under models");
        }
        Set<String> priced = new java.util.LinkedHashSet<>(t.strings("allow-priced-fields"));
        for (String field : priced) {
            if (!TeamAccountingConfig.PRICED_FIELDS.contains(field)) {
                t.problem("allow-priced-fields", "'" + field + "' (expected: some of "
                        + new java.util.TreeSet<>(TeamAccountingConfig.PRICED_FIELDS) + ")");
            }
        }
        String onBudget = t.string("on-budget", "reject");
        TeamAccountingConfig.BudgetPolicy policy = switch (onBudget) {
            case "degrade" -> TeamAccountingConfig.BudgetPolicy.DEGRADE;
            case "reject" -> TeamAccountingConfig.BudgetPolicy.REJECT;
            default -> {
                t.problem("on-budget", "'" + onBudget + "' (expected: reject or degrade)");
                yield TeamAccountingConfig.BudgetPolicy.REJECT;
            }
        };
        return new TeamAccountingConfig(limits(t, "limits"), keyLimits, t.bool("log-prompts", false), baseline,
                priced, policy);
    }
}
