package dev.tiergate.server.http;

import dev.tiergate.core.model.GatewayRequest;
import dev.tiergate.core.pipeline.Answer;
import dev.tiergate.core.pipeline.Caller;
import dev.tiergate.core.pipeline.Deadline;
import dev.tiergate.core.pipeline.Exchange;
import dev.tiergate.core.pipeline.Pipeline;
import dev.tiergate.core.provider.PassThrough;
import java.util.function.BiConsumer;

/**
 * The one way a paid request (chat, embeddings, and any endpoint added later) enters the
 * pipeline runtime: an {@link Exchange} with the client's cache directives and the request's one
 * deadline, its facts attached to the connection's exchange for the request log, cancelled when
 * the client leaves, answered on the connection's event loop.
 */
final class PaidRequests {
    private PaidRequests() {
    }

    static void run(HttpCall client, ServingState serving, Pipeline pipeline, Caller caller,
                    GatewayRequest request, BiConsumer<Exchange, Answer> respond) {
        run(client, serving, pipeline, caller, request, null, respond);
    }

    /** As above, for a client whose bytes an adapter in its format may pass through ({@code passThrough} may be null). */
    static void run(HttpCall client, ServingState serving, Pipeline pipeline, Caller caller,
                    GatewayRequest request, PassThrough passThrough, BiConsumer<Exchange, Answer> respond) {
        Exchange exchange = Exchange.of(client.requestId, caller, request,
                TiergateHeaders.cacheDirectives(client.request::header), client.eventLoop(),
                Deadline.in(serving.deadline()), passThrough);
        client.attach(exchange.facts());
        // Until a stream writer takes over, a client that leaves stops the upstream work (retries included).
        client.onCancel(() -> exchange.cancellation().cancel());
        pipeline.answer(exchange).whenComplete((answer, error) -> client.onLoop(() -> {
            if (error != null) {
                client.fail(error);
            } else {
                respond.accept(exchange, answer);
            }
        }));
    }
}
