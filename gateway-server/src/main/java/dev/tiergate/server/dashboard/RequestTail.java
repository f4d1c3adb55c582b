package dev.tiergate.server.dashboard;

import dev.tiergate.server.accounting.RequestLog;
import java.util.Map;

/**
 * The last {@value #CAPACITY} lines of the request log as it wrote them (its fields, nothing more:
 * prompt text only where the log has it, for teams that opted in). The dashboard's own calls
 * ({@code /dashboard...}) are left out, so that a page polling the tail does not fill it.
 */
public final class RequestTail implements RequestLog.LineListener {
    public static final int CAPACITY = 500;
    private static final String DASHBOARD = "/dashboard";

    private final Ring<Map<String, Object>> lines = new Ring<>(CAPACITY);

    @Override
    public void logged(Map<String, Object> fields) {
        if (!(fields.get("route") instanceof String route && route.startsWith(DASHBOARD))) {
            lines.append(fields);
        }
    }

    public Ring<Map<String, Object>> lines() {
        return lines;
    }
}
