package dev.tiergate.server.http;

import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.ChatRequestParser;
import dev.tiergate.core.pipeline.Answer;
import dev.tiergate.core.pipeline.Caller;
import dev.tiergate.core.pipeline.Exchange;
import dev.tiergate.core.pipeline.Served;
import dev.tiergate.core.provider.PassThrough;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.function.Supplier;

/**
 * {@code POST /v1/chat/completions}: authenticate, validate, run the chat pipeline, write JSON or SSE.
 * The client speaks OpenAI's format, so an OpenAI-compatible upstream's answer goes out as it came
 * when no stage changed it ({@link PassThrough}): the body, or each stream event.
 */
final class ChatCompletionsEndpoint implements Endpoint {
    private final Supplier<ServingState> state;

    ChatCompletionsEndpoint(Supplier<ServingState> state) {
        this.state = state;
    }

    @Override
    public void handle(HttpCall client) {
        ServingState serving = state.get();
        Caller caller = serving.authenticator().authenticate(client.request.authorization());
        ChatRequest request = ChatRequestParser.parseChat(client.request.body());
        client.describe(caller, request.model());
        PassThrough passThrough = PassThrough.of(client.request.body(), request);
        PaidRequests.run(client, serving, serving.chat(), caller, request, passThrough, (exchange, answer) -> {
            switch (answer) {
                case Answer.Complete complete -> {
                    byte[] upstreamBody = passThrough.take(complete.completion());
                    var response = upstreamBody != null
                            ? HttpResponses.json(HttpResponseStatus.OK, upstreamBody, client.requestId)
                            : HttpResponses.json(HttpResponseStatus.OK, complete.completion(), client.requestId);
                    TiergateHeaders.addAnswer(response.headers(), exchange.facts(), true);
                    client.respond(response, outcome(exchange));
                }
                case Answer.Stream stream -> new SseStreamWriter(client, stream, exchange.facts(), new ChatStreamFrames(
                        request.streamOptions() != null && request.streamOptions().wantsUsage(), exchange.facts(),
                        passThrough)).start();
                case Answer.Embeddings embeddings -> throw new IllegalStateException("embeddings for a chat request");
            }
        });
    }

    private static String outcome(Exchange exchange) {
        Served served = exchange.facts().served().get();
        String tier = exchange.facts().tier();
        var cache = exchange.facts().cache();
        return "provider=" + (served == null ? null : served.provider())
                + " served=" + (served == null ? null : served.model())
                + (tier != null ? " tier=" + tier : "") + (cache != null ? " cache=" + cache.outcome().headerValue() : "");
    }
}
