package dev.tiergate.server.http;

import dev.tiergate.core.error.GatewayError;
import dev.tiergate.core.error.InvalidRequestError;
import dev.tiergate.core.error.PermissionDeniedError;
import dev.tiergate.core.json.Json;
import dev.tiergate.server.admin.AdminApi;
import dev.tiergate.server.admin.AuditEntry;
import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The shape of every {@code /admin/*} endpoint but reload and routing: an admin key is required (a
 * team key gets 403, none 401); the work runs on the admin thread, off the event loop; an action
 * that changes something is written to the audit log with its outcome.
 */
abstract class AdminEndpoint implements Endpoint {
    final Supplier<ServingState> state;
    final AdminApi admin;
    private final Clock clock;

    AdminEndpoint(Supplier<ServingState> state, AdminApi admin, Clock clock) {
        this.state = state;
        this.admin = admin;
        this.clock = clock;
    }

    @Override
    public final void handle(HttpCall call) {
        String adminId = requireAdmin(state.get(), call, "The admin API");
        serve(call, adminId);
    }

    /** Serves an admin's call. */
    abstract void serve(HttpCall call, String adminId);

    /** The id of the admin key the call carries; 401 without a known key, 403 with a team's. */
    static String requireAdmin(ServingState serving, HttpCall call, String what) {
        String authorization = call.request.header("authorization");
        var authenticator = serving.authenticator();
        String adminId = authenticator.admin(authorization);
        if (adminId == null) {
            authenticator.authenticate(authorization);
            throw new PermissionDeniedError(what + " needs an admin key (admin-keys in gateway.yaml).",
                    "admin_key_required", null);
        }
        call.describe("admin:" + adminId, null);
        return adminId;
    }

    /** Reads: runs {@code work} on the admin thread and answers 200 with what it gives. */
    void read(HttpCall call, String outcome, Supplier<CompletionStage<?>> work) {
        run(work).whenComplete((body, error) -> call.onLoop(() -> {
            if (error != null) {
                call.fail(error);
            } else {
                call.respond(HttpResponses.json(HttpResponseStatus.OK, body, call.requestId), outcome);
            }
        }));
    }

    /**
     * Changes: runs {@code work} on the admin thread, answers {@code status} with what it gives, and
     * writes the action, its {@code target} (never a secret) and how it ended to the audit log.
     */
    void change(HttpCall call, String adminId, String action, Map<String, Object> target, HttpResponseStatus status,
                Supplier<CompletionStage<?>> work) {
        run(work).whenComplete((body, error) -> {
            String outcome = error == null ? "ok" : GatewayError.from(error).code();
            admin.audit().record(new AuditEntry(clock.instant(), adminId, action, target,
                    outcome == null ? "error" : outcome, call.requestId));
            call.onLoop(() -> {
                if (error != null) {
                    call.fail(error);
                } else {
                    call.respond(HttpResponses.json(status, body, call.requestId), action);
                }
            });
        });
    }

    private CompletableFuture<Object> run(Supplier<CompletionStage<?>> work) {
        return CompletableFuture.supplyAsync(work, admin.executor())
                .thenCompose(stage -> stage.thenApply(value -> (Object) value));
    }

    /** The request's JSON body, an empty object when there is none. */
    static JsonNode body(HttpCall call) {
        byte[] bytes = call.request.body();
        if (bytes == null || bytes.length == 0) {
            return Json.mapper().createObjectNode();
        }
        try {
            JsonNode node = Json.mapper().readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new InvalidRequestError("The body must be a JSON object.", "invalid_json", null);
            }
            return node;
        } catch (IOException e) {
            throw new InvalidRequestError("The body is not valid JSON.", "invalid_json", null);
        }
    }

    /** A positive int query parameter, at most {@code max}; {@code fallback} when absent. */
    static int limit(HttpCall call, int fallback, int max) {
        String text = call.request.queryParam("limit");
        if (text == null) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text);
            if (value >= 1 && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new InvalidRequestError("limit: '" + text + "' (expected: 1 to " + max + ")", "invalid_value", "limit");
    }
}
