package dev.tiergate.core.config;

import java.util.List;

/**
 * The gateway-wide accounting settings of gateway.yaml: {@code redis.url} (empty: no Redis; usage
 * goes to {@code usageFile} and limits are counted in memory), the key prefix in Redis, the admin
 * keys that may read every team's usage, the usage file, and whether {@code /metrics} is served.
 */
public record AccountingConfig(String redisUrl, String redisKeyPrefix, List<ApiKeyConfig> adminKeys,
                               String usageFile, boolean metricsEnabled) {
    public static final String DEFAULT_USAGE_FILE = "./tiergate-usage.jsonl";
    public static final String DEFAULT_KEY_PREFIX = "tiergate:";

    public AccountingConfig {
        redisUrl = redisUrl == null ? "" : redisUrl;
        redisKeyPrefix = redisKeyPrefix == null ? DEFAULT_KEY_PREFIX : redisKeyPrefix;
        adminKeys = adminKeys == null ? List.of() : List.copyOf(adminKeys);
        usageFile = usageFile == null || usageFile.isEmpty() ? DEFAULT_USAGE_FILE : usageFile;
    }

    public static AccountingConfig defaults() {
        return new AccountingConfig("", DEFAULT_KEY_PREFIX, List.of(), DEFAULT_USAGE_FILE, true);
    }

    public boolean usesRedis() {
        return !redisUrl.isEmpty();
    }
}
