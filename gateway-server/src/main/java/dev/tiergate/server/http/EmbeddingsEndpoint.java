package dev.tiergate.server.http;

import dev.tiergate.core.model.ChatRequestParser;
import dev.tiergate.core.model.EmbeddingRequest;
import dev.tiergate.core.pipeline.Answer;
import dev.tiergate.core.pipeline.Caller;
import dev.tiergate.core.pipeline.Served;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.function.Supplier;

/**
 * {@code POST /v1/embeddings}: authenticate, validate, check the model exists for the team (404
 * before anything else looks at its name), then the embeddings pipeline: limits and budgets,
 * accounting, the per-input exact cache, and the provider with retries and fallbacks.
 */
final class EmbeddingsEndpoint implements Endpoint {
    private final Supplier<ServingState> state;

    EmbeddingsEndpoint(Supplier<ServingState> state) {
        this.state = state;
    }

    @Override
    public void handle(HttpCall client) {
        ServingState serving = state.get();
        Caller caller = serving.authenticator().authenticate(client.request.authorization());
        EmbeddingRequest request = ChatRequestParser.parseEmbedding(client.request.body());
        client.describe(caller, request.model());
        serving.catalog().resolveEmbedding(caller.team(), request.model());
        PaidRequests.run(client, serving, serving.embeddings(), caller, request, (exchange, answer) -> {
            if (!(answer instanceof Answer.Embeddings embeddings)) {
                throw new IllegalStateException("not an embeddings answer");
            }
            var response = HttpResponses.json(HttpResponseStatus.OK, embeddings.response(), client.requestId);
            TiergateHeaders.addAnswer(response.headers(), exchange.facts(), true);
            Served served = exchange.facts().served().get();
            client.respond(response, "embeddings provider=" + (served == null ? null : served.provider()));
        });
    }
}
