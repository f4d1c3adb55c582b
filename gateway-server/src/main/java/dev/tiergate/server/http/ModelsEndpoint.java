package dev.tiergate.server.http;

import dev.tiergate.core.pipeline.Caller;
import dev.tiergate.core.provider.ModelCatalog;
import dev.tiergate.server.auth.ApiKeyAuthenticator;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Map;

/** {@code GET /v1/models}: the models and aliases the caller's team may use. */
final class ModelsEndpoint implements Endpoint {
    private final ApiKeyAuthenticator authenticator;
    private final ModelCatalog catalog;

    ModelsEndpoint(ApiKeyAuthenticator authenticator, ModelCatalog catalog) {
        this.authenticator = authenticator;
        this.catalog = catalog;
    }

    @Override
    public void handle(ServerExchange exchange) {
        Caller caller = authenticator.authenticate(exchange.request.header("authorization"));
        exchange.describe(caller.teamId(), "-");
        exchange.respond(HttpResponses.json(HttpResponseStatus.OK,
                Map.of("object", "list", "data", catalog.visibleModels(caller.team())), exchange.requestId), "models");
    }
}
