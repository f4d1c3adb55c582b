package dev.tiergate.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tiergate.core.error.InvalidRequestError;
import dev.tiergate.core.error.NotFoundError;
import dev.tiergate.server.admin.AdminApi;
import dev.tiergate.server.admin.TeamRoutingAdmin;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * {@code /admin/teams/{team}}: {@code GET .../routing} shows the team's default model and aliases;
 * {@code PUT .../aliases/{alias}} ({@code {"tiers": {"small": ["m"], ...}, "default_tier"?}}) sets
 * one of its aliases, {@code DELETE .../aliases/{alias}} removes it, {@code PUT .../default-model}
 * ({@code {"model"}}) sets its default model. Changes are kept in the team's file (or in Redis with
 * {@code admin.routing-store: redis}) and reloaded; one the config rejects is undone (or never
 * written) and answered 400 {@code invalid_config}.
 */
final class AdminTeamsEndpoint extends AdminEndpoint {
    /** What the endpoint does, by its method and path. */
    enum Action {
        VIEW("GET /admin/teams/{team}/routing"),
        SET_ALIAS("PUT /admin/teams/{team}/aliases/{alias}"),
        REMOVE_ALIAS("DELETE /admin/teams/{team}/aliases/{alias}"),
        SET_DEFAULT_MODEL("PUT /admin/teams/{team}/default-model");

        final String route;

        Action(String route) {
            this.route = route;
        }
    }

    private final Action action;

    AdminTeamsEndpoint(Supplier<ServingState> state, AdminApi admin, Clock clock, Action action) {
        super(state, admin, clock);
        this.action = action;
    }

    @Override
    void serve(HttpCall call, String adminId) {
        TeamRoutingAdmin routing = admin.routing();
        if (routing == null) {
            throw new InvalidRequestError("this gateway runs on the bundled default config, whose files cannot be "
                    + "changed (start it with --config DIR)", "reload_unavailable", null);
        }
        String team = call.pathParameter("team");
        String alias = call.pathParameter("alias");
        String trigger = "admin API (" + adminId + ")";
        switch (action) {
            case VIEW -> read(call, "teams.routing", () -> CompletableFuture.completedFuture(routing.view(team)));
            case SET_ALIAS -> {
                JsonNode body = body(call);
                Map<String, List<String>> tiers = tiers(body.get("tiers"));
                String defaultTier = body.hasNonNull("default_tier") ? body.get("default_tier").asText() : null;
                Map<String, Object> target = new LinkedHashMap<>();
                target.put("team", team);
                target.put("alias", alias);
                target.put("tiers", tiers);
                target.put("default_tier", defaultTier);
                change(call, adminId, "teams.set_alias", target, HttpResponseStatus.OK, () -> applied(
                        routing.setAlias(team, alias, tiers, defaultTier, trigger), routing, team));
            }
            case REMOVE_ALIAS -> change(call, adminId, "teams.remove_alias", Map.of("team", team, "alias", alias),
                    HttpResponseStatus.OK, () -> applied(routing.removeAlias(team, alias, trigger), routing, team));
            case SET_DEFAULT_MODEL -> {
                JsonNode model = body(call).get("model");
                if (model == null || !model.isTextual()) {
                    throw new InvalidRequestError("model: required, a model or alias name", "missing_field", "model");
                }
                change(call, adminId, "teams.set_default_model", Map.of("team", team, "model", model.asText()),
                        HttpResponseStatus.OK, () -> applied(routing.setDefaultModel(team, model.asText(), trigger),
                                routing, team));
            }
        }
    }

    /** The team's routing now when the change was applied; the reload's refusal otherwise. */
    private static CompletableFuture<Object> applied(ConfigReloader.Result result, TeamRoutingAdmin routing,
                                                     String team) {
        return switch (result) {
            case ConfigReloader.Result.Applied applied -> {
                Map<String, Object> body = new LinkedHashMap<>(routing.view(team));
                body.put("changes", applied.changes());
                yield CompletableFuture.completedFuture(body);
            }
            case ConfigReloader.Result.Rejected rejected -> throw new InvalidRequestError(
                    "change rejected and undone, the running config keeps serving: "
                            + String.join("; ", rejected.problems()), "invalid_config", null);
            case ConfigReloader.Result.Unavailable unavailable -> throw new NotFoundError(unavailable.reason(),
                    "reload_unavailable", null);
        };
    }

    private static Map<String, List<String>> tiers(JsonNode node) {
        if (node == null || !node.isObject() || node.isEmpty()) {
            throw new InvalidRequestError("tiers: required, an object of tier names (cheapest first) to lists of "
                    + "models", "invalid_value", "tiers");
        }
        Map<String, List<String>> tiers = new LinkedHashMap<>();
        for (var field : node.properties()) {
            if (!field.getValue().isArray() || field.getValue().isEmpty()) {
                throw new InvalidRequestError("tiers." + field.getKey() + ": expected a non-empty list of models",
                        "invalid_value", "tiers");
            }
            List<String> models = new ArrayList<>();
            for (JsonNode m : field.getValue()) {
                if (!m.isTextual()) {
                    throw new InvalidRequestError("tiers." + field.getKey() + ": expected model names",
                            "invalid_value", "tiers");
                }
                models.add(m.asText());
            }
            tiers.put(field.getKey(), List.copyOf(models));
        }
        return tiers;
    }
}
