package dev.tiergate.core.config;

import java.util.List;

/**
 * The gateway-wide accounting settings of gateway.yaml: {@code redis.url} (empty: no Redis; usage
 * goes to {@code usageFile} and limits are counted in memory), the key prefix in Redis, the admin
 * keys that may read every team's usage, the usage file, whether {@code /metrics} is served, and how
 * the usage store syncs and compacts its records ({@code usage.*}).
 */
public record AccountingConfig(String redisUrl, String redisKeyPrefix, List<ApiKeyConfig> adminKeys,
                               String usageFile, boolean metricsEnabled, UsageStoreConfig usageStore) {
    public static final String DEFAULT_USAGE_FILE = "./tiergate-usage.jsonl";
    public static final String DEFAULT_KEY_PREFIX = "tiergate:";

    public AccountingConfig {
        redisUrl = redisUrl == null ? "" : redisUrl;
        redisKeyPrefix = redisKeyPrefix == null ? DEFAULT_KEY_PREFIX : redisKeyPrefix;
        adminKeys = adminKeys == null ? List.of() : List.copyOf(adminKeys);
        usageFile = usageFile == null || usageFile.isEmpty() ? DEFAULT_USAGE_FILE : usageFile;
        usageStore = usageStore == null ? UsageStoreConfig.defaults() : usageStore;
    }

    public static AccountingConfig defaults() {
        return new AccountingConfig("", DEFAULT_KEY_PREFIX, List.of(), DEFAULT_USAGE_FILE, true,
                UsageStoreConfig.defaults());
    }

    public AccountingConfig withUsageFile(String newUsageFile) {
        return new AccountingConfig(redisUrl, redisKeyPrefix, adminKeys, newUsageFile, metricsEnabled, usageStore);
    }

    public AccountingConfig withAdminKeys(List<ApiKeyConfig> newAdminKeys) {
        return new AccountingConfig(redisUrl, redisKeyPrefix, newAdminKeys, usageFile, metricsEnabled, usageStore);
    }

    public boolean usesRedis() {
        return !redisUrl.isEmpty();
    }
}
