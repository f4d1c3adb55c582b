package dev.tiergate.server.http;

import dev.tiergate.server.metrics.GatewayMetrics;
import io.netty.handler.codec.http.HttpResponseStatus;

/** {@code GET /metrics}: every meter in the Prometheus text format, for a scraper. */
final class MetricsEndpoint implements Endpoint {
    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final GatewayMetrics metrics;

    MetricsEndpoint(GatewayMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void handle(HttpCall call) {
        call.respond(HttpResponses.text(HttpResponseStatus.OK, metrics.scrape(), CONTENT_TYPE, call.requestId),
                "metrics");
    }
}
