package dev.tiergate.server.http;

import dev.tiergate.server.health.Readiness;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;

/**
 * {@code /healthz} (liveness: always ok while serving) and {@code /readyz} (ready to answer
 * traffic; when not, {@code 503} with the reason).
 */
final class HealthEndpoint implements Endpoint {
    private static final byte[] OK = "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] READY = "{\"status\":\"ready\"}".getBytes(StandardCharsets.UTF_8);

    private final Readiness readiness;

    private HealthEndpoint(Readiness readiness) {
        this.readiness = readiness;
    }

    static HealthEndpoint liveness() {
        return new HealthEndpoint(null);
    }

    static HealthEndpoint readiness(Readiness readiness) {
        return new HealthEndpoint(readiness);
    }

    @Override
    public void handle(HttpCall call) {
        if (readiness == null) {
            call.respond(HttpResponses.json(HttpResponseStatus.OK, OK, call.requestId), "health");
            return;
        }
        String reason = readiness.notReadyReason();
        if (reason == null) {
            call.respond(HttpResponses.json(HttpResponseStatus.OK, READY, call.requestId), "ready");
        } else {
            call.respond(HttpResponses.json(HttpResponseStatus.SERVICE_UNAVAILABLE,
                    new NotReady("not_ready", reason), call.requestId), "not_ready");
        }
    }

    /** The body of a {@code 503} from {@code /readyz}. */
    private record NotReady(String status, String reason) {
    }
}
