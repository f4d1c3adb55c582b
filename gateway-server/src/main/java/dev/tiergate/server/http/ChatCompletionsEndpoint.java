package dev.tiergate.server.http;

import dev.tiergate.core.error.TimeoutError;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.ChatRequestParser;
import dev.tiergate.core.pipeline.Caller;
import dev.tiergate.core.pipeline.ChatExchange;
import dev.tiergate.core.pipeline.ChatResult;
import dev.tiergate.server.accounting.RequestAccounting;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/** {@code POST /v1/chat/completions}: authenticate, validate, run the pipeline, write JSON or SSE. */
final class ChatCompletionsEndpoint implements Endpoint {
    /** Request headers stages may read (cache control); nothing else reaches the pipeline. */
    private static final List<String> PIPELINE_HEADERS = List.of("cache-control", "x-tiergate-cache");

    private final Supplier<ServingState> state;
    private final Duration requestTimeout;

    ChatCompletionsEndpoint(Supplier<ServingState> state, Duration requestTimeout) {
        this.state = state;
        this.requestTimeout = requestTimeout;
    }

    @Override
    public void handle(ServerExchange exchange) {
        ServingState serving = state.get();
        Caller caller = serving.authenticator().authenticate(exchange.request.header("authorization"));
        ChatRequest request = ChatRequestParser.parseChat(exchange.request.body());
        exchange.describe(caller, request.model());
        Map<String, String> headers = new HashMap<>();
        for (String name : PIPELINE_HEADERS) {
            String value = exchange.request.header(name);
            if (value != null) {
                headers.put(name, value);
            }
        }
        ChatExchange chat = ChatExchange.of(exchange.requestId, caller, request, headers, exchange.eventLoop());
        exchange.attach(RequestAccounting.of(chat));
        // Until a stream writer takes over, a client that leaves stops the upstream work (retries included).
        exchange.onCancel(() -> chat.cancellation().cancel());
        serving.pipeline().handle(chat)
                .toCompletableFuture()
                .orTimeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((result, error) -> exchange.onLoop(() -> {
                    if (error != null) {
                        exchange.fail(timeoutAware(error));
                    } else {
                        answer(exchange, result);
                    }
                }));
    }

    private void answer(ServerExchange exchange, ChatResult result) {
        switch (result) {
            case ChatResult.Complete complete -> {
                var response = HttpResponses.json(HttpResponseStatus.OK, complete.completion(), exchange.requestId);
                HttpResponses.addMetadata(response.headers(), complete.metadata());
                exchange.respond(response, outcome(complete));
            }
            case ChatResult.Streaming streaming -> new SseStreamWriter(exchange, streaming.withChunks(
                    streaming.chunks().timeout(Mono.delay(requestTimeout), chunk -> Mono.never())
                            .onErrorMap(TimeoutException.class, e -> new TimeoutError(
                                    "no answer from the provider within " + requestTimeout.toSeconds() + " s"))))
                    .start();
        }
    }

    private static String outcome(ChatResult result) {
        var m = result.metadata();
        return "provider=" + m.provider() + " served=" + m.model()
                + (m.tier() != null ? " tier=" + m.tier() : "") + (m.cache() != null ? " cache=" + m.cache().headerValue() : "");
    }

    private Throwable timeoutAware(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof TimeoutException) {
            return new TimeoutError("no answer within " + requestTimeout.toSeconds() + " s");
        }
        return cause;
    }
}
