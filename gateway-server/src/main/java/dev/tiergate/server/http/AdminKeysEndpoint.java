package dev.tiergate.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tiergate.core.accounting.Limits;
import dev.tiergate.core.error.InvalidRequestError;
import dev.tiergate.core.error.NotFoundError;
import dev.tiergate.server.admin.AdminApi;
import dev.tiergate.server.admin.KeyAdmin;
import dev.tiergate.server.admin.VirtualKey;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * {@code /admin/keys}: {@code GET [?team=]} lists the virtual keys (never their hashes),
 * {@code POST} makes one ({@code {"team", "id"?, "expires_at"? | "ttl_seconds"?, "limits"?}}, 201
 * with its secret, shown this once), {@code POST /admin/keys/{id}/rotate} gives it a new secret,
 * {@code DELETE /admin/keys/{id}} revokes it.
 */
final class AdminKeysEndpoint extends AdminEndpoint {
    /** What the endpoint does, by its method and path. */
    enum Action {
        LIST("GET /admin/keys"),
        CREATE("POST /admin/keys"),
        ROTATE("POST /admin/keys/{id}/rotate"),
        REVOKE("DELETE /admin/keys/{id}");

        final String route;

        Action(String route) {
            this.route = route;
        }
    }

    private final Action action;
    private final Clock clock;

    AdminKeysEndpoint(Supplier<ServingState> state, AdminApi admin, Clock clock, Action action) {
        super(state, admin, clock);
        this.action = action;
        this.clock = clock;
    }

    @Override
    void serve(HttpCall call, String adminId) {
        KeyAdmin keys = admin.keys();
        if (keys == null) {
            throw new NotFoundError("virtual keys have nowhere to live in this gateway: start it with --config DIR "
                    + "(they go to a file there) or set redis.url", "keys_unavailable", null);
        }
        switch (action) {
            case LIST -> {
                String team = call.request.queryParam("team");
                read(call, "keys.list", () -> CompletableFuture.completedFuture(Map.of("store",
                        keys.storeDescription(), "keys", keys.list(team).stream().map(VirtualKey::view).toList())));
            }
            case CREATE -> {
                JsonNode body = body(call);
                String team = text(body, "team");
                if (team == null) {
                    throw new InvalidRequestError("team: required (the team the key belongs to)", "missing_field",
                            "team");
                }
                String id = text(body, "id");
                Instant expiresAt = expiry(body);
                Limits limits = limits(body.get("limits"));
                Map<String, Object> target = new LinkedHashMap<>();
                target.put("team", team);
                target.put("id", id);
                target.put("expires_at", expiresAt == null ? null : expiresAt.toString());
                target.put("limits", limits.any());
                change(call, adminId, "keys.create", target, HttpResponseStatus.CREATED, () -> {
                    KeyAdmin.Issued issued = keys.create(team, id, expiresAt, limits);
                    target.put("id", issued.key().id());
                    return CompletableFuture.completedFuture(issued(issued));
                });
            }
            case ROTATE -> {
                String id = call.pathParameter("id");
                change(call, adminId, "keys.rotate", Map.of("id", id), HttpResponseStatus.OK,
                        () -> CompletableFuture.completedFuture(issued(keys.rotate(id))));
            }
            case REVOKE -> {
                String id = call.pathParameter("id");
                change(call, adminId, "keys.revoke", Map.of("id", id), HttpResponseStatus.OK, () -> {
                    VirtualKey revoked = keys.revoke(id);
                    Map<String, Object> answer = new LinkedHashMap<>(revoked.view());
                    answer.put("revoked", true);
                    return CompletableFuture.completedFuture(answer);
                });
            }
        }
    }

    /** The key's view and, this once, its secret. */
    private static Map<String, Object> issued(KeyAdmin.Issued issued) {
        Map<String, Object> answer = new LinkedHashMap<>(issued.key().view());
        answer.put("key", issued.secret());
        return answer;
    }

    private Instant expiry(JsonNode body) {
        String at = text(body, "expires_at");
        JsonNode ttl = body.get("ttl_seconds");
        if (at != null && ttl != null) {
            throw new InvalidRequestError("expires_at and ttl_seconds: name one of them", "invalid_value", "expires_at");
        }
        if (ttl != null) {
            if (!ttl.canConvertToLong() || ttl.asLong() <= 0) {
                throw new InvalidRequestError("ttl_seconds: " + ttl + " (expected: a positive number of seconds)",
                        "invalid_value", "ttl_seconds");
            }
            return clock.instant().plus(Duration.ofSeconds(ttl.asLong()));
        }
        if (at == null) {
            return null;
        }
        try {
            return Instant.parse(at);
        } catch (DateTimeParseException e) {
            throw new InvalidRequestError("expires_at: '" + at + "' (expected: an ISO-8601 instant such as "
                    + "2027-01-31T00:00:00Z)", "invalid_value", "expires_at");
        }
    }

    private static Limits limits(JsonNode node) {
        try {
            return VirtualKey.limitsFrom(node);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestError(e.getMessage(), "invalid_value", "limits");
        }
    }

    private static String text(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new InvalidRequestError(field + ": expected a string", "invalid_value", field);
        }
        return node.asText();
    }
}
