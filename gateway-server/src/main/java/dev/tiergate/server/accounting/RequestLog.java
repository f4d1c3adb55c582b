package dev.tiergate.server.accounting;

import dev.tiergate.core.accounting.Costs;
import dev.tiergate.core.accounting.UsageRecord;
import dev.tiergate.core.pipeline.LoggedTexts;
import dev.tiergate.core.pipeline.RequestFacts;
import dev.tiergate.core.routing.Escalation;
import dev.tiergate.core.routing.RouteDecision;
import dev.tiergate.server.requests.RequestListener;
import dev.tiergate.server.telemetry.TraceIds;
import io.opentelemetry.api.trace.SpanContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.logstash.logback.marker.Markers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One structured line per request on the logger {@value #LOGGER} (JSON through the logstash
 * encoder, see logback.xml): request id (also the {@code x-tiergate-request-id} header), route,
 * status, duration, team and key id, and for chat requests the accounting fields of the usage
 * record. Never the API key; prompt and completion text only for teams with {@code log-prompts}.
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
     * Told of each line the log writes, with its fields (read-only): what the line holds, no more.
     * Runs on the event loop: must be quick and must not block.
     */
    @FunctionalInterface
    public interface LineListener {
        LineListener NONE = fields -> { };

        void logged(Map<String, Object> fields);
    }

    @Override
    public void finished(FinishedRequest r) {
        if (!log.isInfoEnabled()) {
            return;
        }
        Map<String, Object> fields = fields(r);
        SpanContext trace = traces.of(r.requestId());
        if (trace != null) {
            fields.put("trace_id", trace.getTraceId());
            fields.put("span_id", trace.getSpanId());
        }
        log.info(Markers.appendEntries(fields), "{} {} {} {}", r.method(), r.route(), r.status(),
                r.outcome() == null ? "-" : r.outcome());
        lines.logged(java.util.Collections.unmodifiableMap(fields));
    }

    /** The fields of a request's log line, in order. */
    static Map<String, Object> fields(FinishedRequest r) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("request_id", r.requestId());
        f.put("method", r.method());
        f.put("route", r.route());
        f.put("status", r.status());
        f.put("duration_ms", Math.round(r.durationNanos() / 10_000.0) / 100.0);
        putIfSet(f, "outcome", r.outcome());
        putIfSet(f, "team", r.team());
        putIfSet(f, "key_id", r.keyId());
        putIfSet(f, "requested_model", r.requestedModel());
        RequestFacts facts = r.facts();
        if (facts == null) {
            return f;
        }
        UsageRecord u = facts.usage().get();
        if (u != null) {
            putIfSet(f, "model", u.model());
            putIfSet(f, "provider", u.provider());
            putIfSet(f, "tier", u.tier());
            putIfSet(f, "cache", u.cache());
            f.put("stream", u.stream());
            f.put("answer", u.outcome());
            f.put("input_tokens", u.inputTokens());
            f.put("output_tokens", u.outputTokens());
            f.put("cached_tokens", u.cachedTokens());
            if (u.cacheWriteTokens() > 0) {
                f.put("cache_write_tokens", u.cacheWriteTokens());
            }
            f.put("tokens_source", u.tokensSource().value());
            f.put("cost_usd", u.costUsd());
            f.put("baseline_usd", Costs.fromNanos(u.ledger().baselineNanos()));
            f.put("saving_usd", u.savingUsd());
            f.put("saving_reason", u.savingReason().value());
            putIfSet(f, "baseline_model", u.baselineModel());
        }
        RouteDecision route = facts.route().get();
        if (route != null) {
            putIfSet(f, "route_tier", route.tier());
            putIfSet(f, "route_cause", route.cause() == null ? null : route.cause().headerValue());
            putIfSet(f, "complexity", route.score());
        }
        if (!facts.escalations().isEmpty()) {
            f.put("escalation", String.join(",", facts.escalations().stream().map(Escalation::cause).toList()));
        }
        List<String> warnings = facts.budgetWarnings().get();
        if (warnings != null) {
            f.put("budget_warning", String.join("; ", warnings));
        }
        LoggedTexts texts = facts.texts().get();
        if (texts != null) {
            putIfSet(f, "prompt", texts.prompt());
            putIfSet(f, "completion", texts.completion());
        }
        return f;
    }

    private static void putIfSet(Map<String, Object> fields, String name, Object value) {
        if (value != null) {
            fields.put(name, value);
        }
    }
}
