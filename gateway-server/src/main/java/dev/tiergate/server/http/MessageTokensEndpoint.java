package dev.tiergate.server.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.tiergate.core.pipeline.Caller;
import dev.tiergate.core.tokens.TokenCounter;
import dev.tiergate.server.messages.MessageTokenCount;
import dev.tiergate.server.messages.MessagesRequest;
import dev.tiergate.server.messages.MessagesRequestParser;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.function.Supplier;

/**
 * {@code POST /v1/messages/count_tokens}: {@code {"input_tokens": N}}, an estimate of Anthropic's
 * count made here ({@link MessageTokenCount}); nothing goes upstream and nothing is billed. A
 * {@code model} the team may not use is {@code 404 not_found_error}, as for a create.
 */
final class MessageTokensEndpoint implements Endpoint {
    private final Supplier<ServingState> state;
    private final TokenCounter tokens;

    MessageTokensEndpoint(Supplier<ServingState> state, TokenCounter tokens) {
        this.state = state;
        this.tokens = tokens;
    }

    @Override
    public void handle(HttpCall call) {
        ServingState serving = state.get();
        Caller caller = serving.authenticator().authenticate(call.request.authorization());
        MessagesRequest request = MessagesRequestParser.parseTokenCount(call.request.body(), call.request::header);
        call.describe(caller, request.model());
        serving.catalog().resolveChat(caller.team(), request.model(), null);
        call.respond(HttpResponses.json(HttpResponseStatus.OK, JsonNodeFactory.instance.objectNode()
                .put("input_tokens", MessageTokenCount.count(request, tokens)), call.requestId), "counted");
    }
}
