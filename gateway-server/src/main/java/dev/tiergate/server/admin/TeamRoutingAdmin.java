package dev.tiergate.server.admin;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.config.AliasConfig;
import dev.tiergate.core.config.GatewayConfig;
import dev.tiergate.core.config.TeamConfig;
import dev.tiergate.core.error.InvalidRequestError;
import dev.tiergate.core.error.NotFoundError;
import dev.tiergate.server.http.ConfigReloader;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Switches a team's model mapping without a hand edit: its aliases' tiers (and default tier) and its
 * default model. Each switch is kept by the {@link TeamRoutingStore} of {@code admin.routing-store}
 * (the team's file, or Redis) and applied by the hot reload, so it also survives a restart; a switch
 * the config rejects leaves nothing behind and is answered with the problems.
 */
public final class TeamRoutingAdmin {
    private final TeamRoutingStore store;
    private final Supplier<GatewayConfig> config;

    /** Keeps switches in {@code store}; {@code config}: the config serving now. */
    public TeamRoutingAdmin(TeamRoutingStore store, Supplier<GatewayConfig> config) {
        this.store = requireNonNull(store, "store");
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
        return change(team, RoutingEdit.alias(alias, tiers, defaultTier), trigger);
    }

    /** Removes the team's own alias {@code alias} (the gateway's alias of that name, if any, applies again). */
    public ConfigReloader.Result removeAlias(String team, String alias, String trigger) {
        if (!team(team).aliases().containsKey(alias)) {
            throw new NotFoundError("team '" + team + "' has no alias '" + alias + "' of its own", "alias_not_found",
                    "alias");
        }
        return change(team, RoutingEdit.removeAlias(alias), trigger);
    }

    /** Sets the model the team's {@code GET /v1/models} lists first. */
    public ConfigReloader.Result setDefaultModel(String team, String model, String trigger) {
        if (model == null || model.isBlank()) {
            throw new InvalidRequestError("model: expected a model or alias name", "invalid_value", "model");
        }
        return change(team, RoutingEdit.defaultModel(model), trigger);
    }

    private ConfigReloader.Result change(String team, RoutingEdit edit, String trigger) {
        team(team);
        return store.change(team, edit, trigger);
    }

    private TeamConfig team(String id) {
        TeamConfig team = config.get().teams().get(id);
        if (team == null) {
            throw new NotFoundError("team: '" + id + "' is not a team of this gateway", "team_not_found", "team");
        }
        return team;
    }
}
