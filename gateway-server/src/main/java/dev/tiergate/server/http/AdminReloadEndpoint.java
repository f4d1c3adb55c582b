package dev.tiergate.server.http;

import dev.tiergate.core.error.InvalidRequestError;
import dev.tiergate.core.error.PermissionDeniedError;
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

    AdminReloadEndpoint(Supplier<ServingState> state, ConfigReloader reloader) {
        this.state = state;
        this.reloader = reloader;
    }

    @Override
    public void handle(HttpCall call) {
        String authorization = call.request.header("authorization");
        var authenticator = state.get().authenticator();
        String admin = authenticator.admin(authorization);
        if (admin == null) {
            authenticator.authenticate(authorization);
            throw new PermissionDeniedError("Reloading the config needs an admin key (admin-keys in gateway.yaml).",
                    "admin_key_required", null);
        }
        call.describe("admin:" + admin, null);
        reloader.reload("POST /admin/reload by admin key " + admin).whenComplete((result, error) -> call.onLoop(() -> {
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
        }));
    }
}
