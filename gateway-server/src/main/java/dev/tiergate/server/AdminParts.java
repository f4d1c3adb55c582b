package dev.tiergate.server;

import dev.tiergate.core.config.AdminConfig;
import dev.tiergate.core.config.GatewayConfig;
import dev.tiergate.server.admin.AdminApi;
import dev.tiergate.server.admin.AdminRedis;
import dev.tiergate.server.admin.AuditLog;
import dev.tiergate.server.admin.CacheAdmin;
import dev.tiergate.server.admin.FileRoutingStore;
import dev.tiergate.server.admin.FileVirtualKeyStore;
import dev.tiergate.server.admin.KeyAdmin;
import dev.tiergate.server.admin.RedisAuditStore;
import dev.tiergate.server.admin.RedisRoutingStore;
import dev.tiergate.server.admin.RedisVirtualKeyStore;
import dev.tiergate.server.admin.TeamRoutingAdmin;
import dev.tiergate.server.admin.VirtualKeyStore;
import dev.tiergate.server.auth.VirtualKeys;
import dev.tiergate.server.http.ConfigReloader;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * What the admin API keeps for the gateway's lifetime: where virtual keys live (Redis with
 * {@code redis.url}, shared by replicas; else {@code virtual-keys.json} in the config folder; none
 * on the bundled config), the audit log (also in Redis when there is one), the model switches kept
 * in Redis with {@code admin.routing-store: redis}, and the admin thread.
 * Settings under {@code redis.*} need a restart, so these do too.
 */
final class AdminParts implements AutoCloseable {
    private final AdminRedis redis;
    private final VirtualKeyStore keys;
    private final AuditLog audit;
    /** The model switches in Redis ({@code admin.routing-store: redis}); null: in the team files. */
    private final RedisRoutingStore routing;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "tiergate-admin");
        t.setDaemon(true);
        return t;
    });

    private AdminParts(AdminRedis redis, VirtualKeyStore keys, AuditLog audit, RedisRoutingStore routing) {
        this.redis = redis;
        this.keys = keys;
        this.audit = audit;
        this.routing = routing;
    }

    /** Opens the key store of {@code config} ({@code directory}: its folder, null for the bundled one). */
    static AdminParts open(GatewayConfig config, Path directory) {
        if (config.accounting().usesRedis()) {
            AdminRedis redis = AdminRedis.connect(config.accounting().redisUrl(), config.accounting().redisKeyPrefix());
            try {
                return new AdminParts(redis, RedisVirtualKeyStore.open(redis), new AuditLog(new RedisAuditStore(redis)),
                        config.admin().routingStore() == AdminConfig.RoutingStore.REDIS ? new RedisRoutingStore(redis)
                                : null);
            } catch (RuntimeException e) {
                redis.close();
                throw e;
            }
        }
        return new AdminParts(null, directory == null ? null : FileVirtualKeyStore.open(directory), new AuditLog(),
                null);
    }

    /** The keys authentication reads. */
    VirtualKeys virtualKeys() {
        return keys == null ? VirtualKeys.NONE : keys;
    }

    String keysDescription() {
        return keys == null ? "none (the bundled config without redis.url has nowhere to keep them)"
                : keys.description();
    }

    /** {@code source} with the model switches kept in Redis applied to its files, when they are kept there. */
    ReloadSource switched(ReloadSource source) {
        return routing == null ? source : source.withOverlay(routing::overlay);
    }

    /** The admin API's routing switches on the config read from {@code source} (null: none), reloaded by {@code reloader}. */
    TeamRoutingAdmin routing(ReloadSource source, ConfigReloader reloader, Supplier<GatewayConfig> config) {
        if (source == null) {
            return null;
        }
        if (routing == null) {
            return new TeamRoutingAdmin(new FileRoutingStore(source.directory(), reloader), config);
        }
        routing.attach(source::loadWith, reloader);
        return new TeamRoutingAdmin(routing, config);
    }

    AdminApi api(CacheAdmin caches, TeamRoutingAdmin routing, Supplier<GatewayConfig> config, Clock clock) {
        return new AdminApi(caches, keys == null ? null : new KeyAdmin(keys, config, clock), routing, audit, executor);
    }

    @Override
    public void close() {
        executor.shutdownNow();
        if (routing != null) {
            routing.close();
        }
        if (keys != null) {
            keys.close();
        }
        if (redis != null) {
            redis.close();
        }
    }
}
