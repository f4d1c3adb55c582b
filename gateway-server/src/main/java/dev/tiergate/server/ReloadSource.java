package dev.tiergate.server;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.config.GatewayConfig;
import dev.tiergate.server.config.ConfigLoader;
import dev.tiergate.server.config.ConfigSource;
import java.nio.file.Path;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Where a running gateway reloads its config from: the config folder, how to load it (throwing
 * {@link dev.tiergate.server.config.ConfigException} when it is invalid), and whether changes to
 * its files trigger a reload by themselves.
 */
public record ReloadSource(Path directory, Supplier<GatewayConfig> loader, boolean watch) {
    public ReloadSource {
        requireNonNull(directory, "directory");
        requireNonNull(loader, "loader");
    }

    /** The folder read with {@code loader}, then {@code adjust}ed as at start-up (e.g. {@code --port}); watched. */
    public static ReloadSource of(Path directory, ConfigLoader loader, UnaryOperator<GatewayConfig> adjust) {
        return new ReloadSource(directory, () -> adjust.apply(loader.load(ConfigSource.fromDirectory(directory))), true);
    }

    public ReloadSource withWatch(boolean newWatch) {
        return new ReloadSource(directory, loader, newWatch);
    }
}
