package dev.tiergate.server.http;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/** {@code /healthz} (liveness: always ok while serving) and {@code /readyz} (ready to answer traffic). */
final class HealthEndpoint implements Endpoint {
    private static final byte[] OK = "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] READY = "{\"status\":\"ready\"}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] NOT_READY = "{\"status\":\"not_ready\"}".getBytes(StandardCharsets.UTF_8);

    private final BooleanSupplier ready;

    private HealthEndpoint(BooleanSupplier ready) {
        this.ready = ready;
    }

    static HealthEndpoint liveness() {
        return new HealthEndpoint(null);
    }

    static HealthEndpoint readiness(BooleanSupplier ready) {
        return new HealthEndpoint(ready);
    }

    @Override
    public void handle(HttpCall call) {
        if (ready == null) {
            call.respond(HttpResponses.json(HttpResponseStatus.OK, OK, call.requestId), "health");
        } else if (ready.getAsBoolean()) {
            call.respond(HttpResponses.json(HttpResponseStatus.OK, READY, call.requestId), "ready");
        } else {
            call.respond(HttpResponses.json(HttpResponseStatus.SERVICE_UNAVAILABLE, NOT_READY, call.requestId),
                    "not_ready");
        }
    }
}
