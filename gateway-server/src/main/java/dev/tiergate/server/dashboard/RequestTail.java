package dev.tiergate.server.dashboard;

import dev.tiergate.server.accounting.RequestLog;
import java.util.Map;

/**
 * The last {@value #CAPACITY} lines of the request log as it wrote them (its fields, nothing more:
 * prompt text only where the log has it, for teams that opted in). Calls that come again and
 * again by themselves are left out, so that they do not push the requests out: the dashboard's
 * own ({@code /dashboard...}, a page polling the tail), probes and metrics scrapes.
 */
public final class RequestTail implements RequestLog.LineListener {
    public static final int CAPACITY = 500;
    private static final String DASHBOARD = "/dashboard";
    private static final java.util.Set<String> POLLED = java.util.Set.of("/healthz", "/readyz", "/metrics");

    private final Ring<Map<String, Object>> lines = new Ring<>(CAPACITY);

    @Override
    public void logged(Map<String, Object> fields) {
        if (!(fields.get("route") instanceof String route && (route.startsWith(DASHBOARD) || POLLED.contains(route)))) {
            lines.append(fields);
        }
    }

    public Ring<Map<String, Object>> lines() {
        return lines;
    }
}
