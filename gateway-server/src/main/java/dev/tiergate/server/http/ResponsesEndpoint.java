package dev.tiergate.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.ChatRequestParser;
import dev.tiergate.core.pipeline.Answer;
import dev.tiergate.core.pipeline.Caller;
import dev.tiergate.server.responses.ResponseEventStream;
import dev.tiergate.server.responses.ResponsesPassthrough;
import dev.tiergate.server.responses.ResponseIds;
import dev.tiergate.server.responses.ResponseObjects;
import dev.tiergate.server.responses.ResponseStore;
import dev.tiergate.server.responses.ResponsesRequest;
import dev.tiergate.server.responses.ResponsesRequestParser;
import dev.tiergate.server.responses.ResponsesToChat;
import dev.tiergate.server.responses.StoredResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/responses}: the OpenAI Responses API on the chat pipeline. Authenticates,
 * validates, puts the stored conversation of {@code previous_response_id} (the caller's team's
 * only) before the input, translates to a chat request that runs the same pipeline as
 * {@code /v1/chat/completions} (limits, accounting, caches, router, providers), and answers a
 * {@code response} object or its typed event stream; with {@code store} (the default) the
 * finished response and its conversation are kept for {@code GET}, {@code input_items} and the
 * next turn.
 */
final class ResponsesEndpoint implements Endpoint {
    private static final Logger log = LoggerFactory.getLogger(ResponsesEndpoint.class);

    private final Supplier<ServingState> state;
    private final ResponseStore store;
    private final Clock clock;

    ResponsesEndpoint(Supplier<ServingState> state, ResponseStore store, Clock clock) {
        this.state = state;
        this.store = store;
        this.clock = clock;
    }

    @Override
    public void handle(HttpCall client) {
        ServingState serving = state.get();
        Caller caller = serving.authenticator().authenticate(client.request.authorization());
        ResponsesPassthrough.Route passthrough = serving.responsesPassthrough();
        if (passthrough != null) {
            ObjectNode body = ChatRequestParser.parseObject(client.request.body());
            JsonNode model = body.get("model");
            if (model != null && model.isTextual() && passthrough.serves(caller.team(), model.textValue())) {
                client.describe(caller, model.textValue());
                passThrough(client, serving, caller, passthrough, body);
                return;
            }
        }
        ResponsesRequest request = ResponsesRequestParser.parse(client.request.body());
        client.describe(caller, request.model());
        if (request.previousResponseId() == null) {
            answer(client, serving, caller, request, List.of());
            return;
        }
        PreviousConversation.load(store, caller.teamId(), request.previousResponseId())
                .whenComplete((history, error) -> client.onLoop(() -> {
                    if (client.isDone()) {
                        return;   // the client went away while the conversation was read: nothing goes upstream
                    }
                    if (error != null) {
                        client.fail(error);
                        return;
                    }
                    try {
                        answer(client, serving, caller, request, history);
                    } catch (RuntimeException e) {
                        client.fail(e);
                    }
                }));
    }

    private void answer(HttpCall client, ServingState serving, Caller caller, ResponsesRequest request,
                        List<ObjectNode> history) {
        ChatRequest chat = ResponsesToChat.translate(request, history);
        String id = ResponseIds.next("resp");
        long createdAt = clock.instant().getEpochSecond();
        PaidRequests.run(client, serving, serving.chat(), caller, chat, (exchange, answer) -> {
            switch (answer) {
                case Answer.Complete complete -> {
                    ObjectNode response = ResponseObjects.fromCompletion(request, id, createdAt,
                            clock.instant().getEpochSecond(), complete.completion());
                    remember(caller, request, history, response);
                    var http = HttpResponses.json(HttpResponseStatus.OK, response, client.requestId);
                    TiergateHeaders.addAnswer(http.headers(), exchange.facts(), true);
                    client.respond(http, "response " + response.get("status").textValue());
                }
                case Answer.Stream stream -> {
                    ResponseEventStream events = new ResponseEventStream(
                            ResponseObjects.shell(request, id, createdAt, request.model()),
                            () -> clock.instant().getEpochSecond());
                    new SseStreamWriter(client, stream, exchange.facts(), new ResponseStreamFrames(events,
                            response -> remember(caller, request, history, response))).start();
                }
                case Answer.Embeddings embeddings -> throw new IllegalStateException("embeddings for a responses request");
            }
        });
    }

    /**
     * Sends the body as it is to a provider that serves the Responses API, through limits and
     * accounting, and gives its answer back unchanged (nothing is stored here: the provider keeps
     * its responses, and {@code previous_response_id} goes to it as it is).
     */
    private static void passThrough(HttpCall client, ServingState serving, Caller caller,
                                    ResponsesPassthrough.Route passthrough, ObjectNode body) {
        PaidRequests.run(client, serving, passthrough.pipeline(), caller, ResponsesPassthrough.chatRequest(body),
                (exchange, answer) -> {
                    switch (answer) {
                        case Answer.Complete complete -> {
                            byte[] raw = complete.completion().extra().get(ResponsesPassthrough.RAW).textValue()
                                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
                            var http = HttpResponses.json(HttpResponseStatus.OK, raw, client.requestId);
                            TiergateHeaders.addAnswer(http.headers(), exchange.facts(), true);
                            client.respond(http, "passed through");
                        }
                        case Answer.Stream stream -> new SseStreamWriter(client, stream, exchange.facts(),
                                new PassthroughStreamFrames()).start();
                        case Answer.Embeddings embeddings -> throw new IllegalStateException("embeddings for a responses request");
                    }
                });
    }

    /** Keeps a finished response and its conversation when the request asked to store it. */
    private void remember(Caller caller, ResponsesRequest request, List<ObjectNode> history, ObjectNode response) {
        if (!request.store()) {
            return;
        }
        List<ObjectNode> conversation = new ArrayList<>(history);
        conversation.addAll(request.input());
        conversation.addAll(ResponseObjects.outputItems(response));
        String id = response.get("id").textValue();
        store.put(StoredResponse.of(caller.teamId(), response, request.input(), conversation))
                .whenComplete((ok, error) -> {
                    if (error != null) {
                        log.warn("response {} of team {} could not be stored: {}", id, caller.teamId(), error.toString());
                    }
                });
    }
}
