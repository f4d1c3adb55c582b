package dev.tiergate.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.pipeline.Answer;
import dev.tiergate.core.pipeline.Caller;
import dev.tiergate.server.messages.MessageEventStream;
import dev.tiergate.server.messages.MessageObjects;
import dev.tiergate.server.messages.MessagesRequest;
import dev.tiergate.server.messages.MessagesRequestParser;
import dev.tiergate.server.messages.MessagesToChat;
import dev.tiergate.server.responses.ResponseIds;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.function.Supplier;

/**
 * {@code POST /v1/messages}: the Anthropic Messages API on the chat pipeline. Authenticates
 * ({@code x-api-key} or {@code Authorization: Bearer} with a team key), validates, translates to
 * the chat request that runs the same pipeline as {@code /v1/chat/completions} (limits and
 * reservations, caches, router, accounting, every provider; an Anthropic upstream gets the request
 * as it came), and answers a {@code message} object or Anthropic's event stream, with the
 * {@code x-tiergate-*} headers. Errors are Anthropic's ({@link AnthropicClients}).
 */
final class MessagesEndpoint implements Endpoint {
    private final Supplier<ServingState> state;

    MessagesEndpoint(Supplier<ServingState> state) {
        this.state = state;
    }

    @Override
    public void handle(HttpCall client) {
        ServingState serving = state.get();
        Caller caller = serving.authenticator().authenticate(client.request.authorization());
        MessagesRequest request = MessagesRequestParser.parse(client.request.body(), client.request::header);
        client.describe(caller, request.model());
        ChatRequest chat = MessagesToChat.translate(request);
        String id = ResponseIds.next("msg");
        PaidRequests.run(client, serving, serving.chat(), caller, chat, (exchange, answer) -> {
            switch (answer) {
                case Answer.Complete complete -> {
                    ObjectNode message = MessageObjects.fromCompletion(complete.completion(), id, request.model());
                    var http = HttpResponses.json(HttpResponseStatus.OK, message, client.requestId);
                    TiergateHeaders.addAnswer(http.headers(), exchange.facts(), true);
                    client.respond(http, "message " + message.path("stop_reason").asText());
                }
                case Answer.Stream stream -> new SseStreamWriter(client, stream, exchange.facts(),
                        new MessageStreamFrames(new MessageEventStream(id, request.model()))).start();
                case Answer.Embeddings embeddings -> throw new IllegalStateException("embeddings for a messages request");
            }
        });
    }
}
