package dev.tiergate.core.pipeline;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.EmbeddingRequest;
import dev.tiergate.core.model.GatewayRequest;
import dev.tiergate.core.provider.PassThrough;
import java.util.concurrent.ScheduledExecutorService;

/**
 * One paid request on its way through the pipeline. The request is immutable; a stage passes a
 * changed copy on with {@link #withRequest}, which shares everything else: the facts the request
 * gathers, its cancellation and its deadline. {@code executor} is the event loop the request
 * belongs to: the pipeline resumes there after asynchronous work, and the dispatcher schedules
 * retries there. {@code passThrough} (null for most requests) holds the client's bytes for an
 * adapter that speaks the client's format ({@link PassThrough}).
 */
public record Exchange(
        String requestId,
        Caller caller,
        GatewayRequest request,
        CacheDirectives cacheDirectives,
        ScheduledExecutorService executor,
        Deadline deadline,
        RequestFacts facts,
        Cancellation cancellation,
        PassThrough passThrough) {

    public Exchange {
        requireNonNull(requestId, "requestId");
        requireNonNull(caller, "caller");
        requireNonNull(request, "request");
        requireNonNull(cacheDirectives, "cacheDirectives");
        requireNonNull(executor, "executor");
        requireNonNull(deadline, "deadline");
        requireNonNull(facts, "facts");
        requireNonNull(cancellation, "cancellation");
    }

    /** An exchange without bytes to pass through. */
    public Exchange(String requestId, Caller caller, GatewayRequest request, CacheDirectives cacheDirectives,
                    ScheduledExecutorService executor, Deadline deadline, RequestFacts facts,
                    Cancellation cancellation) {
        this(requestId, caller, request, cacheDirectives, executor, deadline, facts, cancellation, null);
    }

    /** A new exchange with fresh facts and cancellation. */
    public static Exchange of(String requestId, Caller caller, GatewayRequest request, CacheDirectives directives,
                              ScheduledExecutorService executor, Deadline deadline) {
        return of(requestId, caller, request, directives, executor, deadline, null);
    }

    /** A new exchange with fresh facts and cancellation whose bytes an adapter may pass through (may be null). */
    public static Exchange of(String requestId, Caller caller, GatewayRequest request, CacheDirectives directives,
                              ScheduledExecutorService executor, Deadline deadline, PassThrough passThrough) {
        return new Exchange(requestId, caller, request, directives, executor, deadline, new RequestFacts(),
                new Cancellation(), passThrough);
    }

    public Exchange withRequest(GatewayRequest newRequest) {
        return new Exchange(requestId, caller, newRequest, cacheDirectives, executor, deadline, facts, cancellation,
                passThrough);
    }

    public boolean isChat() {
        return request instanceof ChatRequest;
    }

    /** The chat request; only for stages of the chat pipeline. */
    public ChatRequest chat() {
        if (request instanceof ChatRequest chat) {
            return chat;
        }
        throw new IllegalStateException("request " + requestId + " is not a chat request");
    }

    /** The embeddings request; only for stages of the embeddings pipeline. */
    public EmbeddingRequest embeddings() {
        if (request instanceof EmbeddingRequest embeddings) {
            return embeddings;
        }
        throw new IllegalStateException("request " + requestId + " is not an embeddings request");
    }
}
