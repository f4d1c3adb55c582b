package dev.tiergate.server.accounting;

import dev.tiergate.server.requests.RequestListener;
import dev.tiergate.server.telemetry.TraceIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One structured line per request on the logger {@value #LOGGER} (JSON through the logstash
 * encoder, see LoggingSetup): request id (also the {@code x-tiergate-request-id} header), route,
 * status, duration, team and key id, and for chat requests the accounting fields of the usage
 * record ({@link RequestLogLine}). Never the API key; prompt and completion text only for teams
 * with {@code log-prompts}.
 */
public final class RequestLog implements RequestListener {
    public static final String LOGGER = "tiergate.access";
    private static final Logger log = LoggerFactory.getLogger(LOGGER);

    private final TraceIds traces;
    private final LineListener lines;

    /** A log without trace ids. */
    public RequestLog() {
        this(TraceIds.NONE);
    }

    /** A log whose lines carry {@code trace_id} and {@code span_id} of the requests {@code traces} traces. */
    public RequestLog(TraceIds traces) {
        this(traces, LineListener.NONE);
    }

    /** As above, telling {@code lines} of every line written. */
    public RequestLog(TraceIds traces, LineListener lines) {
        this.traces = traces;
        this.lines = lines;
    }

    /**
     * One line the log wrote: its route (null when none) and, rendered on demand, its fields. It
     * holds its fields' values only (not the request's facts), so it may be kept.
     */
    public interface Line {
        String route();

        /** The line's fields as one JSON object: what the line holds, no more. */
        String json();
    }

    /**
     * Told of each line the log writes. Runs on the event loop: must be quick and must not block;
     * it may keep the line, and should ask for its {@link Line#json()} only when it needs the text
     * (rendering it costs more than the rest of the line's making).
     */
    @FunctionalInterface
    public interface LineListener {
        LineListener NONE = line -> { };

        void logged(Line line);
    }

    @Override
    public void finished(FinishedRequest r) {
        if (!log.isInfoEnabled()) {
            return;
        }
        RequestLogLine line = new RequestLogLine(r, traces.of(r.requestId()));
        lines.logged(line);
        log.info(line, "{} {} {} {}", r.method(), r.route(), r.status(), r.outcome() == null ? "-" : r.outcome());
    }
}
