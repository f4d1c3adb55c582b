package dev.tiergate.server.http;

import dev.tiergate.core.error.InvalidRequestError;
import dev.tiergate.server.admin.AuditEntry;
import dev.tiergate.server.admin.AuditLog;
import java.time.Clock;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code POST /admin/reload}, admin keys only: reloads gateway.yaml and the team files. 200 with
 * what changed; 400 {@code invalid_config} with the problems when the files are rejected (the
 * running config keeps serving), or {@code reload_unavailable} on the bundled config.
 */
final class AdminReloadEndpoint implements Endpoint {
    private final Supplier<ServingState> state;
    private final ConfigReloader reloader;
    private final AuditLog audit;
    private final Clock clock;

    /** With {@code audit} (null: none) recording each reload asked for. */
    AdminReloadEndpoint(Supplier<ServingState> state, ConfigReloader reloader, AuditLog audit, Clock clock) {
        this.state = state;
        this.reloader = reloader;
        this.audit = audit;
        this.clock = clock;
    }

    @Override
    public void handle(HttpCall call) {
        String admin = AdminEndpoint.requireAdmin(state.get(), call, "Reloading the config");
        reloader.reload("POST /admin/reload by admin key " + admin).whenComplete((result, error) -> {
            if (audit != null) {
                audit.record(new AuditEntry(clock.instant(), admin, "config.reload", Map.of(), outcome(result, error),
                        call.requestId));
            }
            call.onLoop(() -> respond(call, result, error));
        });
    }

    private static String outcome(ConfigReloader.Result result, Throwable error) {
        return error != null ? "error" : switch (result) {
            case ConfigReloader.Result.Applied applied -> "ok";
            case ConfigReloader.Result.Rejected rejected -> "invalid_config";
            case ConfigReloader.Result.Unavailable unavailable -> "reload_unavailable";
        };
    }

    private static void respond(HttpCall call, ConfigReloader.Result result, Throwable error) {
        if (error != null) {
            call.fail(error);
            return;
        }
        switch (result) {
            case ConfigReloader.Result.Applied applied -> {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("status", applied.changes().isEmpty() ? "unchanged" : "reloaded");
                body.put("changes", applied.changes());
                body.put("restart_required", applied.needRestart());
                call.respond(HttpResponses.json(HttpResponseStatus.OK, body, call.requestId), "reload");
            }
            case ConfigReloader.Result.Rejected rejected -> call.fail(new InvalidRequestError(
                    "config rejected, the running config keeps serving: " + String.join("; ", rejected.problems()),
                    "invalid_config", null));
            case ConfigReloader.Result.Unavailable unavailable -> call.fail(new InvalidRequestError(
                    unavailable.reason(), "reload_unavailable", null));
        }
    }
}
