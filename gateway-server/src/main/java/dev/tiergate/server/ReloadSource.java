package dev.tiergate.server;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.config.GatewayConfig;
import dev.tiergate.server.config.ConfigLoader;
import dev.tiergate.server.config.ConfigSource;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Where a running gateway reloads its config from: the config folder, how its files are read into a
 * config ({@code reader}, throwing {@link dev.tiergate.server.config.ConfigException} when they are
 * invalid), what is applied to the files' text first ({@code overlay}: the model switches kept in
 * Redis, or nothing), and whether changes to its files trigger a reload by themselves.
 */
public record ReloadSource(Path directory, Function<ConfigSource, GatewayConfig> reader,
                           UnaryOperator<ConfigSource> overlay, boolean watch) {
    public ReloadSource {
        requireNonNull(directory, "directory");
        requireNonNull(reader, "reader");
        requireNonNull(overlay, "overlay");
    }

    /** The folder read with {@code loader}, then {@code adjust}ed as at start-up (e.g. {@code --port}); watched. */
    public static ReloadSource of(Path directory, ConfigLoader loader, UnaryOperator<GatewayConfig> adjust) {
        return new ReloadSource(directory, source -> adjust.apply(loader.load(source)), UnaryOperator.identity(), true);
    }

    /** Reads the folder now, with the overlay. */
    public Supplier<GatewayConfig> loader() {
        return () -> loadWith(UnaryOperator.identity());
    }

    /** Reads the folder now, with the overlay and then {@code more} applied to its files (a trial of a change). */
    public GatewayConfig loadWith(UnaryOperator<ConfigSource> more) {
        return reader.apply(more.apply(overlay.apply(ConfigSource.fromDirectory(directory))));
    }

    public ReloadSource withWatch(boolean newWatch) {
        return new ReloadSource(directory, reader, overlay, newWatch);
    }

    public ReloadSource withOverlay(UnaryOperator<ConfigSource> newOverlay) {
        return new ReloadSource(directory, reader, newOverlay, watch);
    }
}
