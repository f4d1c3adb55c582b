package dev.tiergate.core.config;

import static java.util.Objects.requireNonNull;

/**
 * The {@code admin} section of gateway.yaml: where the admin API keeps a team's model switches
 * (its aliases' tiers and its default model): in the team's file ({@code file}, the default) or as
 * overrides in the Redis of {@code redis.url} ({@code redis}), applied on top of the files.
 */
public record AdminConfig(RoutingStore routingStore) {
    /** {@code admin.routing-store}. */
    public enum RoutingStore {
        FILE, REDIS
    }

    public AdminConfig {
        requireNonNull(routingStore, "routingStore");
    }

    public static AdminConfig defaults() {
        return new AdminConfig(RoutingStore.FILE);
    }
}
