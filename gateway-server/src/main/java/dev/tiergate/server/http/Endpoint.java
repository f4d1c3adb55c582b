package dev.tiergate.server.http;

/** Answers one kind of request; exactly one answer through the exchange, now or later. */
interface Endpoint {
    void handle(ServerExchange exchange);
}
