package dev.tiergate.server.http;

import dev.tiergate.core.pipeline.Caller;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Map;
import java.util.function.Supplier;

/** {@code GET /v1/models}: the models and aliases the caller's team may use. */
final class ModelsEndpoint implements Endpoint {
    private final Supplier<ServingState> state;

    ModelsEndpoint(Supplier<ServingState> state) {
        this.state = state;
    }

    @Override
    public void handle(HttpCall call) {
        ServingState serving = state.get();
        Caller caller = serving.authenticator().authenticate(call.request.header("authorization"));
        call.describe(caller, null);
        call.respond(HttpResponses.json(HttpResponseStatus.OK,
                Map.of("object", "list", "data", serving.catalog().visibleModels(caller.team())), call.requestId), "models");
    }
}
