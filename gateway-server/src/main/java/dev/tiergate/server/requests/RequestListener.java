package dev.tiergate.server.requests;

import dev.tiergate.core.pipeline.RequestFacts;

/** Told about every finished request (the request log, metrics). Runs on the event loop: must not block. */
@FunctionalInterface
public interface RequestListener {
    RequestListener NONE = request -> { };

    void finished(FinishedRequest request);

    /**
     * A request arrived (its head and body read): {@code header} reads its headers (e.g. an incoming
     * {@code traceparent}). Runs on the event loop before the request is served.
     */
    default void started(String requestId, String method, String path, java.util.function.Function<String, String> header) {
    }

    default RequestListener andThen(RequestListener next) {
        RequestListener first = this;
        return new RequestListener() {
            @Override
            public void finished(FinishedRequest request) {
                first.finished(request);
                next.finished(request);
            }

            @Override
            public void started(String requestId, String method, String path,
                                java.util.function.Function<String, String> header) {
                first.started(requestId, method, path, header);
                next.started(requestId, method, path, header);
            }
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
        /** This request without its facts: what may be kept after the request (a log line's own fields). */
        public FinishedRequest withoutFacts() {
            return facts == null ? this : new FinishedRequest(requestId, method, route, status, outcome, durationNanos,
                    team, keyId, requestedModel, null);
        }
    }
}
