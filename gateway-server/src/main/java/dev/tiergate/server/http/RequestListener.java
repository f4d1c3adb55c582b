package dev.tiergate.server.http;

import dev.tiergate.server.accounting.RequestAccounting;

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
     * authentication; {@code accounting} is set for chat requests.
     */
    record FinishedRequest(String requestId, String method, String route, int status, String outcome,
                           long durationNanos, String team, String keyId, String requestedModel,
                           RequestAccounting accounting) {
    }
}
