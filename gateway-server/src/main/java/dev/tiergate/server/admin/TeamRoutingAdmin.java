package dev.tiergate.server.admin;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.tiergate.core.config.AliasConfig;
import dev.tiergate.core.config.GatewayConfig;
import dev.tiergate.core.config.TeamConfig;
import dev.tiergate.core.error.InvalidRequestError;
import dev.tiergate.core.error.NotFoundError;
import dev.tiergate.server.http.ConfigReloader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Switches a team's model mapping without a hand edit: its aliases' tiers (and default tier) and its
 * default model. The change is written into the team's file in the config folder (atomically:
 * written beside it, then moved over it) and applied by the hot reload, so it also survives a
 * restart. A change the config rejects is undone (the old file back) and answered with the
 * problems. The file is rewritten from its parsed form: values, {@code ${ENV}} references and its
 * leading comment block stay, comments further down do not.
 */
public final class TeamRoutingAdmin {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR));

    private final Path directory;
    private final ConfigReloader reloader;
    private final Supplier<GatewayConfig> config;

    /** Writes the team files of {@code directory} (the running config's folder) and reloads through {@code reloader}. */
    public TeamRoutingAdmin(Path directory, ConfigReloader reloader, Supplier<GatewayConfig> config) {
        this.directory = requireNonNull(directory, "directory");
        this.reloader = requireNonNull(reloader, "reloader");
        this.config = requireNonNull(config, "config");
    }

    /** What a team routes by now: its default model and its own aliases. */
    public Map<String, Object> view(String team) {
        TeamConfig t = team(team);
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("team", t.id());
        v.put("default_model", t.defaultModel());
        Map<String, Object> aliases = new LinkedHashMap<>();
        t.aliases().values().forEach(a -> aliases.put(a.name(), aliasView(a)));
        v.put("aliases", aliases);
        Map<String, Object> shared = new LinkedHashMap<>();
        config.get().aliases().values().forEach(a -> shared.put(a.name(), aliasView(a)));
        v.put("gateway_aliases", shared);
        return v;
    }

    private static Map<String, Object> aliasView(AliasConfig a) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("tiers", a.tiers());
        v.put("default_tier", a.defaultTier());
        return v;
    }

    /** Sets the team's alias {@code alias} to {@code tiers} (cheapest first), {@code defaultTier} (null: the first). */
    public ConfigReloader.Result setAlias(String team, String alias, Map<String, List<String>> tiers, String defaultTier,
                                          String trigger) {
        if (tiers == null || tiers.isEmpty()) {
            throw new InvalidRequestError("tiers: expected an object of tier names to lists of models", "invalid_value",
                    "tiers");
        }
        return change(team, trigger, root -> {
            ObjectNode aliases = root.has("aliases") && root.get("aliases").isObject() ? (ObjectNode) root.get("aliases")
                    : root.putObject("aliases");
            ObjectNode entry = aliases.putObject(alias);
            ObjectNode tierNode = entry.putObject("tiers");
            tiers.forEach((tier, models) -> {
                var list = tierNode.putArray(tier);
                models.forEach(list::add);
            });
            if (defaultTier != null) {
                entry.put("default-tier", defaultTier);
            }
        });
    }

    /** Removes the team's own alias {@code alias} (the gateway's alias of that name, if any, applies again). */
    public ConfigReloader.Result removeAlias(String team, String alias, String trigger) {
        if (!team(team).aliases().containsKey(alias)) {
            throw new NotFoundError("team '" + team + "' has no alias '" + alias + "' of its own", "alias_not_found",
                    "alias");
        }
        return change(team, trigger, root -> ((ObjectNode) root.get("aliases")).remove(alias));
    }

    /** Sets the model the team's {@code GET /v1/models} lists first. */
    public ConfigReloader.Result setDefaultModel(String team, String model, String trigger) {
        if (model == null || model.isBlank()) {
            throw new InvalidRequestError("model: expected a model or alias name", "invalid_value", "model");
        }
        return change(team, trigger, root -> root.put("default-model", model));
    }

    /** Edits the team's file, reloads; undoes the edit when the reload rejects it. */
    private synchronized ConfigReloader.Result change(String team, String trigger, Consumer<ObjectNode> edit) {
        team(team);
        Path file = fileOf(team);
        try {
            String before = Files.readString(file);
            JsonNode parsed = YAML.readTree(before);
            if (!(parsed instanceof ObjectNode root)) {
                throw new InvalidRequestError(file.getFileName() + " is not a YAML mapping", "invalid_config", null);
            }
            edit.accept(root);
            String after = leadingComments(before) + YAML.writeValueAsString(root);
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

    private static String leadingComments(String text) {
        StringBuilder head = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            if (!line.startsWith("#")) {
                break;
            }
            head.append(line).append('\n');
        }
        return head.toString();
    }

    /** The file under {@code teams/} whose {@code id} is {@code team}. */
    private Path fileOf(String team) {
        Path teams = directory.resolve("teams");
        try (Stream<Path> files = Files.list(teams)) {
            for (Path f : files.sorted().toList()) {
                String name = f.getFileName().toString();
                if (!name.startsWith(".") && (name.endsWith(".yaml") || name.endsWith(".yml"))
                        && team.equals(YAML.readTree(Files.readString(f)).path("id").asText())) {
                    return f;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + teams, e);
        }
        throw new NotFoundError("team '" + team + "' has no file under " + teams, "team_not_found", "team");
    }

    private TeamConfig team(String id) {
        TeamConfig team = config.get().teams().get(id);
        if (team == null) {
            throw new NotFoundError("team: '" + id + "' is not a team of this gateway", "team_not_found", "team");
        }
        return team;
    }
}
