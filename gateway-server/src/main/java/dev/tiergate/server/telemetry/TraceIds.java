package dev.tiergate.server.telemetry;

import io.opentelemetry.api.trace.SpanContext;

/** The span of a request in flight, by request id: what puts {@code trace_id} and {@code span_id} in its log line. */
@FunctionalInterface
public interface TraceIds {
    TraceIds NONE = requestId -> null;

    /** The span context of the request, or null when it is not traced. */
    SpanContext of(String requestId);
}
