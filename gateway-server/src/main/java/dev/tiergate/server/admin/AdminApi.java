package dev.tiergate.server.admin;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.Executor;

/**
 * What the admin API of the management port works with: the caches, the virtual keys (null when
 * they have nowhere to live: the bundled config without Redis), the teams' routing (null when the
 * config was not read from a folder), the audit log, and the one thread blocking admin work runs on.
 */
public record AdminApi(CacheAdmin caches, KeyAdmin keys, TeamRoutingAdmin routing, AuditLog audit,
                       Executor executor) {
    public AdminApi {
        requireNonNull(caches, "caches");
        requireNonNull(audit, "audit");
        requireNonNull(executor, "executor");
    }
}
