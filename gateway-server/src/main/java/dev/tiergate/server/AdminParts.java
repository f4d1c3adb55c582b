package dev.tiergate.server;

import dev.tiergate.core.config.GatewayConfig;
import dev.tiergate.server.admin.AdminApi;
import dev.tiergate.server.admin.AdminRedis;
import dev.tiergate.server.admin.AuditLog;
import dev.tiergate.server.admin.CacheAdmin;
import dev.tiergate.server.admin.FileVirtualKeyStore;
import dev.tiergate.server.admin.KeyAdmin;
import dev.tiergate.server.admin.RedisAuditStore;
import dev.tiergate.server.admin.RedisVirtualKeyStore;
import dev.tiergate.server.admin.TeamRoutingAdmin;
import dev.tiergate.server.admin.VirtualKeyStore;
import dev.tiergate.server.auth.VirtualKeys;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * What the admin API keeps for the gateway's lifetime: where virtual keys live (Redis with
 * {@code redis.url}, shared by replicas; else {@code virtual-keys.json} in the config folder; none
 * on the bundled config), the audit log (also in Redis when there is one), and the admin thread.
 * Settings under {@code redis.*} need a restart, so these do too.
 */
final class AdminParts implements AutoCloseable {
    private final AdminRedis redis;
    private final VirtualKeyStore keys;
    private final AuditLog audit;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "tiergate-admin");
        t.setDaemon(true);
        return t;
    });

    private AdminParts(AdminRedis redis, VirtualKeyStore keys, AuditLog audit) {
        this.redis = redis;
        this.keys = keys;
        this.audit = audit;
    }

    /** Opens the key store of {@code config} ({@code directory}: its folder, null for the bundled one). */
    static AdminParts open(GatewayConfig config, Path directory) {
        if (config.accounting().usesRedis()) {
            AdminRedis redis = AdminRedis.connect(config.accounting().redisUrl(), config.accounting().redisKeyPrefix());
            try {
                return new AdminParts(redis, RedisVirtualKeyStore.open(redis), new AuditLog(new RedisAuditStore(redis)));
            } catch (RuntimeException e) {
                redis.close();
                throw e;
            }
        }
        return new AdminParts(null, directory == null ? null : FileVirtualKeyStore.open(directory), new AuditLog());
    }

    /** The keys authentication reads. */
    VirtualKeys virtualKeys() {
        return keys == null ? VirtualKeys.NONE : keys;
    }

    String keysDescription() {
        return keys == null ? "none (the bundled config without redis.url has nowhere to keep them)"
                : keys.description();
    }

    AdminApi api(CacheAdmin caches, TeamRoutingAdmin routing, Supplier<GatewayConfig> config, Clock clock) {
        return new AdminApi(caches, keys == null ? null : new KeyAdmin(keys, config, clock), routing, audit, executor);
    }

    @Override
    public void close() {
        executor.shutdownNow();
        if (keys != null) {
            keys.close();
        }
        if (redis != null) {
            redis.close();
        }
    }
}
