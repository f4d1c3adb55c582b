package dev.tiergate.server.requests;

import dev.tiergate.core.pipeline.RequestFacts;

/** Told about every finished request (the request log, metrics). Runs on the event loop: must not block. */
@FunctionalInterface
public interface RequestListener {
    RequestListener NONE = request -> { };

    void finished(FinishedRequest request);

    default RequestListener andThen(RequestListener next) {
        return request -> {
            finished(request);
            next.finished(request);
        };
    }

    /**
     * One answered (or abandoned: status 499) request. {@code route} is the matched endpoint path
     * or {@code unmatched}; {@code team}, {@code keyId} and {@code requestedModel} are null before
     * authentication; {@code facts} (null for requests that are not paid) are what the pipeline
     * learned of a chat or embeddings request.
     */
    record FinishedRequest(String requestId, String method, String route, int status, String outcome,
                           long durationNanos, String team, String keyId, String requestedModel,
                           RequestFacts facts) {
    }
}
