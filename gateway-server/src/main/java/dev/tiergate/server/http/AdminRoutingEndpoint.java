package dev.tiergate.server.http;

import dev.tiergate.core.error.NotFoundError;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.function.Supplier;

/**
 * {@code GET /admin/routing/{team}} on the management port, admin keys only: what the router
 * learned for a team: its serving policy's version and learned cells, the feedback counted, the
 * off-policy estimates of the serving and the static policy, the estimated quality and relative
 * cost per tier and per cluster.
 */
final class AdminRoutingEndpoint implements Endpoint {
    private final Supplier<ServingState> state;

    AdminRoutingEndpoint(Supplier<ServingState> state) {
        this.state = state;
    }

    @Override
    public void handle(HttpCall call) {
        ServingState serving = state.get();
        AdminEndpoint.requireAdmin(serving, call, "The routing view");
        String team = call.pathParameter("team");
        if (serving.learning() == null) {
            throw new NotFoundError("the router does not learn in this config (router.enabled and "
                    + "router.learning.enabled)", "learning_off", null);
        }
        serving.learning().report(team).whenComplete((report, error) -> call.onLoop(() -> {
            if (error != null) {
                call.fail(error);
            } else {
                call.respond(HttpResponses.json(HttpResponseStatus.OK, report.body(), call.requestId), "routing");
            }
        }));
    }
}
