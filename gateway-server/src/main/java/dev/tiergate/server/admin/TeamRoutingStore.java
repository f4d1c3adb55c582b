package dev.tiergate.server.admin;

import dev.tiergate.server.http.ConfigReloader;

/**
 * Where a team's model switches are kept: its file under {@code teams/} ({@link FileRoutingStore})
 * or Redis ({@link RedisRoutingStore}). Either way a switch takes effect through the config reload,
 * and a switch the config rejects leaves nothing behind.
 */
public interface TeamRoutingStore {
    /** Keeps {@code edit} for {@code team} and reloads; the reload's result (rejected: nothing kept). */
    ConfigReloader.Result change(String team, RoutingEdit edit, String trigger);

    /** Where switches are kept, for the log. */
    String description();
}
