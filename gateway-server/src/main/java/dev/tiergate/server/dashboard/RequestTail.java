package dev.tiergate.server.dashboard;

import dev.tiergate.server.accounting.RequestLog;

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

    private final Ring<RequestLog.Line> lines = new Ring<>(CAPACITY);

    @Override
    public void logged(RequestLog.Line line) {
        String route = line.route();
        if (route == null || !(route.startsWith(DASHBOARD) || POLLED.contains(route))) {
            lines.append(line);   // rendered when the dashboard reads it, not on the event loop now
        }
    }

    /** The lines held; each line's {@link RequestLog.Line#json()} is the JSON object the log wrote. */
    public Ring<RequestLog.Line> lines() {
        return lines;
    }
}
