package dev.tiergate.server.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.core.json.Json;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.pipeline.Caller;
import dev.tiergate.server.responses.ResponsesRequest;
import dev.tiergate.server.responses.ResponsesRequestParser;
import dev.tiergate.server.responses.ResponsesToChat;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code POST /v1/responses/input_tokens}: {@code {"object":"response.input_tokens","input_tokens":N}},
 * the prompt tokens of the chat request the body would become (instructions, the conversation of
 * {@code previous_response_id}, input) and the tokens of its tools' JSON definitions, counted here with the gateway's tokenizer
 * ({@code o200k_base}) as OpenAI counts a chat prompt; nothing goes upstream and nothing is billed.
 * A {@code model} the team may not use is {@code 404 model_not_found}, as for a create.
 */
final class ResponseInputTokensEndpoint implements Endpoint {
    private final Supplier<ServingState> state;
    private final ResponsesServices services;

    ResponseInputTokensEndpoint(Supplier<ServingState> state, ResponsesServices services) {
        this.state = state;
        this.services = services;
    }

    @Override
    public void handle(HttpCall call) {
        ServingState serving = state.get();
        Caller caller = serving.authenticator().authenticate(call.request.authorization());
        ResponsesRequest request = ResponsesRequestParser.parseTokenCount(call.request.body());
        call.describe(caller, request.model().isEmpty() ? null : request.model());
        if (!request.model().isEmpty()) {
            serving.catalog().resolveChat(caller.team(), request.model(), null);
        }
        PreviousConversation.load(services.store(), caller.teamId(), request.previousResponseId())
                .whenComplete((history, error) -> call.onLoop(() -> {
                    if (error != null) {
                        call.fail(error);
                    } else {
                        answer(call, request, history);
                    }
                }));
    }

    private void answer(HttpCall call, ResponsesRequest request, List<ObjectNode> history) {
        ChatRequest chat = ResponsesToChat.translate(request, history);
        int tokens = chat.messages().isEmpty() ? 0 : services.tokens().prompt(chat);
        if (chat.tools() != null) {
            tokens += services.tokens().text(Json.mapper().valueToTree(chat.tools()).toString());
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("object", "response.input_tokens")
                .put("input_tokens", tokens);
        call.respond(HttpResponses.json(HttpResponseStatus.OK, body, call.requestId), "counted");
    }
}
