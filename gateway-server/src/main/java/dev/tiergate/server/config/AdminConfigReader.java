package dev.tiergate.server.config;

import dev.tiergate.core.config.AccountingConfig;
import dev.tiergate.core.config.AdminConfig;
import java.util.Set;

/** Reads {@code admin} in gateway.yaml: where the admin API keeps a team's model switches. */
final class AdminConfigReader {
    static final String SECTION = "admin";
    private static final Set<String> KEYS = Set.of("routing-store");

    private AdminConfigReader() {
    }

    static AdminConfig read(YamlFields g, AccountingConfig accounting) {
        g.onlyKeys(SECTION, KEYS);
        AdminConfig.RoutingStore store = g.choice("admin.routing-store", AdminConfig.RoutingStore.FILE);
        if (store == AdminConfig.RoutingStore.REDIS && !accounting.usesRedis()) {
            g.problem("admin.routing-store", "redis, but redis.url is empty (expected: redis.url set, or "
                    + "routing-store: file)");
        }
        return new AdminConfig(store);
    }
}
