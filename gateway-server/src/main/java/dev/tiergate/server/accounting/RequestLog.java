package dev.tiergate.server.accounting;

import dev.tiergate.server.requests.RequestListener;
import dev.tiergate.server.telemetry.TraceIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One structured line per request on the logger {@value #LOGGER} (JSON through the logstash
 * encoder, see logback.xml): request id (also the {@code x-tiergate-request-id} header), route,
 * status, duration, team and key id, and for chat requests the accounting fields of the usage
 * record ({@link RequestLogLine}). Never the API key; prompt and completion text only for teams
 * with {@code log-prompts}.
 */
public final class RequestLog implements RequestListener {
    public static final String LOGGER = "tiergate.access";
    private static final Logger log = LoggerFactory.getLogger(LOGGER);

    private final TraceIds traces;

    /** A log without trace ids. */
    public RequestLog() {
        this(TraceIds.NONE);
    }

    /** A log whose lines carry {@code trace_id} and {@code span_id} of the requests {@code traces} traces. */
    public RequestLog(TraceIds traces) {
        this.traces = traces;
    }

    @Override
    public void finished(FinishedRequest r) {
        if (!log.isInfoEnabled()) {
            return;
        }
        log.info(new RequestLogLine(r, traces.of(r.requestId())), "{} {} {} {}", r.method(), r.route(), r.status(),
                r.outcome() == null ? "-" : r.outcome());
    }
}
