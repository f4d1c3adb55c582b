package dev.tiergate.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tiergate.core.accounting.UsageJson;
import dev.tiergate.core.error.AuthenticationError;
import dev.tiergate.core.error.InvalidRequestError;
import dev.tiergate.server.admin.AdminApi;
import dev.tiergate.server.dashboard.Dashboard;
import dev.tiergate.server.dashboard.Period;
import dev.tiergate.server.dashboard.Session;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The shape of every {@code GET /dashboard/api/*} data route: a dashboard session (its cookie) or
 * an admin key is required, else 401 {@code login_required}; the view is made on the admin thread,
 * off the event loop, and answered as JSON (decimals written plain, as {@code /v1/usage} does).
 */
abstract class DashboardEndpoint implements Endpoint {
    /** The session cookie's name. */
    static final String COOKIE = "tiergate_session";

    final Supplier<ServingState> state;
    final Dashboard dashboard;
    private final AdminApi admin;

    DashboardEndpoint(Supplier<ServingState> state, Dashboard dashboard, AdminApi admin) {
        this.state = state;
        this.dashboard = dashboard;
        this.admin = admin;
    }

    @Override
    public final void handle(HttpCall call) {
        String adminId = requireLogin(state.get(), dashboard, call);
        call.describe("admin:" + adminId, null);
        CompletableFuture.supplyAsync(() -> view(call), admin.executor())
                .thenCompose(view -> view)
                .whenComplete((body, error) -> call.onLoop(() -> {
                    if (error != null) {
                        call.fail(error);
                        return;
                    }
                    try {
                        call.respond(HttpResponses.json(HttpResponseStatus.OK,
                                UsageJson.mapper().writeValueAsBytes(body), call.requestId), "dashboard");
                    } catch (JsonProcessingException e) {
                        call.fail(new UncheckedIOException(e));
                    }
                }));
    }

    /** The view this route answers with (runs on the admin thread). */
    abstract CompletionStage<? extends JsonNode> view(HttpCall call);

    /**
     * The admin id of the call's session or admin key; 401 {@code invalid_api_key} for a key that is
     * nobody's (a guess, counted by the port's failed authentications), else 401 {@code login_required}.
     */
    static String requireLogin(ServingState serving, Dashboard dashboard, HttpCall call) {
        Session session = dashboard.sessions().find(token(call));
        return session != null ? session.admin() : requireAdminKey(serving, call);
    }

    /** The admin id of the call's {@code Authorization} header; 401 as {@link #requireLogin} says without one. */
    static String requireAdminKey(ServingState serving, HttpCall call) {
        String authorization = call.request.header(HttpHeaderNames.AUTHORIZATION);
        var authenticator = serving.authenticator();
        String adminId = authenticator.admin(authorization);
        if (adminId == null) {
            if (authorization != null && !authorization.isBlank()) {
                authenticator.authenticate(authorization); // a wrong key: 401 invalid_api_key, counted as a guess
            }
            throw new AuthenticationError("Log in to the dashboard first (POST /dashboard/api/login), or send an"
                    + " admin key as 'Authorization: Bearer <key>'.", "login_required", null);
        }
        return adminId;
    }

    /** The period of {@code ?days=N} (1 to 90, default 14) up to today (UTC). */
    Period period(HttpCall call) {
        String text = call.request.queryParam("days");
        LocalDate today = LocalDate.now(dashboard.clock().withZone(ZoneOffset.UTC));
        if (text == null) {
            return Period.lastDays(Period.DEFAULT_DAYS, today);
        }
        try {
            return Period.lastDays(Integer.parseInt(text.trim()), today);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestError("days: '" + text + "' (expected: 1 to " + Period.MAX_DAYS + ")",
                    "invalid_value", "days");
        }
    }

    /** The session token the call's cookie carries, or null. */
    static String token(HttpCall call) {
        String header = call.request.header(HttpHeaderNames.COOKIE);
        if (header == null) {
            return null;
        }
        for (Cookie cookie : ServerCookieDecoder.LAX.decodeAll(header)) {
            if (COOKIE.equals(cookie.name())) {
                return cookie.value();
            }
        }
        return null;
    }
}
