package dev.tiergate.server.http;

/** Answers one kind of request; exactly one answer through the call, now or later. */
interface Endpoint {
    void handle(HttpCall call);
}
