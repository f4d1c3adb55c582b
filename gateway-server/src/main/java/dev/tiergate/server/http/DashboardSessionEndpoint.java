package dev.tiergate.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.core.accounting.UsageJson;
import dev.tiergate.core.error.AuthenticationError;
import dev.tiergate.core.error.GatewayError;
import dev.tiergate.core.error.InvalidRequestError;
import dev.tiergate.server.admin.AdminApi;
import dev.tiergate.server.admin.AuditEntry;
import dev.tiergate.server.dashboard.Dashboard;
import dev.tiergate.server.dashboard.Session;
import dev.tiergate.server.dashboard.SessionStore;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The dashboard's sessions: {@code POST /dashboard/api/login} (an admin key in a JSON body gives a
 * session cookie), {@code POST /dashboard/api/logout} and {@code GET /dashboard/api/session}. Login
 * and logout are written to the audit log; the key is never kept, logged or echoed.
 */
final class DashboardSessionEndpoint implements Endpoint {
    /** Who a failed login is written to the audit log as. */
    static final String UNKNOWN_ADMIN = "unknown";

    enum Action {
        LOGIN("POST /dashboard/api/login"),
        LOGOUT("POST /dashboard/api/logout"),
        SESSION("GET /dashboard/api/session");

        final String route;

        Action(String route) {
            this.route = route;
        }
    }

    private final Supplier<ServingState> state;
    private final Dashboard dashboard;
    private final AdminApi admin;
    private final Action action;

    DashboardSessionEndpoint(Supplier<ServingState> state, Dashboard dashboard, AdminApi admin, Action action) {
        this.state = state;
        this.dashboard = dashboard;
        this.admin = admin;
        this.action = action;
    }

    @Override
    public void handle(HttpCall call) {
        switch (action) {
            case LOGIN -> login(call);
            case LOGOUT -> logout(call);
            case SESSION -> session(call);
        }
    }

    private void login(HttpCall call) {
        String contentType = call.request.header(HttpHeaderNames.CONTENT_TYPE);
        if (contentType == null || !contentType.trim().toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            ObjectNode error = UsageJson.mapper().createObjectNode();
            ObjectNode fields = error.putObject("error");
            fields.put("message", "Send the admin key as JSON: Content-Type: application/json, body {\"key\": \"...\"}.");
            fields.put("type", "invalid_request_error");
            fields.putNull("param");
            fields.put("code", "unsupported_media_type");
            call.respond(HttpResponses.json(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, error, call.requestId),
                    "unsupported_media_type");
            return;
        }
        JsonNode key = AdminEndpoint.body(call).get("key");
        if (key == null || !key.isTextual() || key.asText().isBlank()) {
            throw new InvalidRequestError("key: missing (expected: the admin key as a string)", "invalid_value", "key");
        }
        String adminId = state.get().authenticator().admin("Bearer " + key.asText());
        SessionStore.Login login = adminId == null ? null : dashboard.sessions().open(adminId);
        audit(call, adminId == null ? UNKNOWN_ADMIN : adminId, "dashboard.login",
                adminId == null ? "invalid_admin_key" : "ok", () -> {
                    if (login == null) {
                        call.fail(new AuthenticationError("Not an admin key: the dashboard needs one of"
                                + " accounting.admin-keys (a team's key cannot log in).", "invalid_admin_key", "key"));
                        return;
                    }
                    call.describe("admin:" + adminId, null);
                    FullHttpResponse response = HttpResponses.noContent(call.requestId);
                    response.headers().set(HttpHeaderNames.SET_COOKIE, cookie(login.token(),
                            dashboard.sessions().lifetime().toSeconds()));
                    call.respond(response, "dashboard.login");
                });
    }

    private void logout(HttpCall call) {
        Session ended = dashboard.sessions().close(DashboardEndpoint.token(call));
        Runnable answer = () -> {
            FullHttpResponse response = HttpResponses.noContent(call.requestId);
            response.headers().set(HttpHeaderNames.SET_COOKIE, cookie("", 0));
            call.respond(response, "dashboard.logout");
        };
        if (ended == null) {
            answer.run();
        } else {
            call.describe("admin:" + ended.admin(), null);
            audit(call, ended.admin(), "dashboard.logout", "ok", answer);
        }
    }

    private void session(HttpCall call) {
        Session session = dashboard.sessions().find(DashboardEndpoint.token(call));
        String adminId = session != null ? session.admin() : DashboardEndpoint.requireAdminKey(state.get(), call);
        ObjectNode body = UsageJson.mapper().createObjectNode();
        body.put("admin", adminId);
        if (session != null) {
            body.put("expires_at", session.expiresAt().toString());
        } else {
            body.putNull("expires_at");
        }
        call.describe("admin:" + adminId, null);
        call.respond(HttpResponses.json(HttpResponseStatus.OK, body, call.requestId), "dashboard.session");
    }

    /** Writes the action to the audit log on the admin thread (the log may be in Redis), then answers on the loop. */
    private void audit(HttpCall call, String adminId, String what, String outcome, Runnable answer) {
        CompletableFuture.runAsync(() -> admin.audit().record(new AuditEntry(dashboard.clock().instant(), adminId,
                        what, Map.of(), outcome, call.requestId)), admin.executor())
                .whenComplete((ignored, error) -> call.onLoop(() -> {
                    if (error != null) {
                        call.fail(GatewayError.from(error));
                    } else {
                        answer.run();
                    }
                }));
    }

    /** The session cookie: {@code token} for {@code maxAgeSeconds} (0: cleared). */
    private static String cookie(String token, long maxAgeSeconds) {
        return DashboardEndpoint.COOKIE + "=" + token + "; Path=/dashboard; HttpOnly; SameSite=Strict; Max-Age="
                + maxAgeSeconds;
    }
}
