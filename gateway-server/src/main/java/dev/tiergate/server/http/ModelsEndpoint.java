package dev.tiergate.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.core.model.ModelInfo;
import dev.tiergate.core.pipeline.Caller;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code GET /v1/models}: the models and aliases the caller's team may use, as OpenAI lists them,
 * or as Anthropic does for an Anthropic client ({@link AnthropicClients#asks}): {@code data} of
 * {@code {"type":"model","id","display_name","created_at"}}, {@code has_more}, {@code first_id},
 * {@code last_id}.
 */
final class ModelsEndpoint implements Endpoint {
    private final Supplier<ServingState> state;

    ModelsEndpoint(Supplier<ServingState> state) {
        this.state = state;
    }

    @Override
    public void handle(HttpCall call) {
        ServingState serving = state.get();
        Caller caller = serving.authenticator().authenticate(call.request.authorization());
        call.describe(caller, null);
        List<ModelInfo> models = serving.catalog().visibleModels(caller.team());
        Object body = call.request.fromAnthropicClient() ? anthropicList(models)
                : Map.of("object", "list", "data", models);
        call.respond(HttpResponses.json(HttpResponseStatus.OK, body, call.requestId), "models");
    }

    private static ObjectNode anthropicList(List<ModelInfo> models) {
        ObjectNode list = JsonNodeFactory.instance.objectNode();
        ArrayNode data = list.putArray("data");
        for (ModelInfo model : models) {
            data.addObject().put("type", "model").put("id", model.id()).put("display_name", model.id())
                    .put("created_at", Instant.ofEpochSecond(model.created()).toString());
        }
        list.put("has_more", false);
        if (models.isEmpty()) {
            list.putNull("first_id").putNull("last_id");
        } else {
            list.put("first_id", models.getFirst().id()).put("last_id", models.getLast().id());
        }
        return list;
    }
}
