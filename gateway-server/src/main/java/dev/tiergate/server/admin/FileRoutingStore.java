package dev.tiergate.server.admin;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.error.InvalidRequestError;
import dev.tiergate.core.error.NotFoundError;
import dev.tiergate.server.http.ConfigReloader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Model switches written into the team's file in the config folder (atomically: written beside it,
 * then moved over it) and applied by the hot reload, so they also survive a restart. A switch the
 * config rejects is undone (the old file back). Only the lines of what the switch changes are
 * rewritten; the file's other lines and comments stay ({@link TeamFileEdit}).
 */
public final class FileRoutingStore implements TeamRoutingStore {
    private final Path directory;
    private final ConfigReloader reloader;

    /** Writes the team files of {@code directory} (the running config's folder) and reloads through {@code reloader}. */
    public FileRoutingStore(Path directory, ConfigReloader reloader) {
        this.directory = requireNonNull(directory, "directory");
        this.reloader = requireNonNull(reloader, "reloader");
    }

    @Override
    public synchronized ConfigReloader.Result change(String team, RoutingEdit edit, String trigger) {
        Path file = fileOf(team);
        try {
            String before = Files.readString(file);
            String after = TeamFileEdit.apply(before, edit);
            if (after == null) {
                throw new InvalidRequestError(file.getFileName() + " is not a YAML mapping", "invalid_config", null);
            }
            AtomicFiles.write(file, after.getBytes(StandardCharsets.UTF_8), false);
            ConfigReloader.Result result = reloader.reload(trigger).toCompletableFuture().join();
            if (result instanceof ConfigReloader.Result.Applied) {
                return result;
            }
            AtomicFiles.write(file, before.getBytes(StandardCharsets.UTF_8), false);
            reloader.reload(trigger + " (undone)").toCompletableFuture().join();
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rewrite " + file, e);
        }
    }

    /** The file under {@code teams/} whose {@code id} is {@code team}. */
    private Path fileOf(String team) {
        Path teams = directory.resolve("teams");
        try (Stream<Path> files = Files.list(teams)) {
            for (Path f : files.sorted().toList()) {
                String name = f.getFileName().toString();
                if (!name.startsWith(".") && (name.endsWith(".yaml") || name.endsWith(".yml"))
                        && team.equals(TeamYamlText.id(Files.readString(f)))) {
                    return f;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + teams, e);
        }
        throw new NotFoundError("team '" + team + "' has no file under " + teams, "team_not_found", "team");
    }

    @Override
    public String description() {
        return "the team files under " + directory.resolve("teams");
    }
}
