package dev.tiergate.server.accounting;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.io.SegmentedStringWriter;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.tiergate.core.accounting.Costs;
import dev.tiergate.core.accounting.UsageRecord;
import dev.tiergate.core.json.Json;
import dev.tiergate.core.pipeline.LoggedTexts;
import dev.tiergate.core.pipeline.RequestFacts;
import dev.tiergate.core.routing.Escalation;
import dev.tiergate.core.routing.RouteDecision;
import dev.tiergate.server.requests.RequestListener.FinishedRequest;
import io.opentelemetry.api.trace.SpanContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.logstash.logback.marker.LogstashMarker;

/**
 * The fields of one request's log line, in order: taken when the request finished (immutable
 * values only, not the request's facts, so the line may be written later on the log's own thread
 * and kept by the dashboard's tail) and written straight into the encoder's generator when the
 * line is, one typed call per field: no map, no boxing and no serializer lookup per field, as
 * {@code Markers.appendEntries} of a map would do. The bytes are those the map's entries gave
 * (RequestLogLineTest). Rendered as a JSON text only when asked ({@link #json()}: the dashboard
 * reading its tail), once.
 */
final class RequestLogLine extends LogstashMarker implements RequestLog.Line {
    private static final String NAME = "TIERGATE_REQUEST";
    private static final ObjectMapper MAPPER = Json.mapper();
    private static final ObjectReader DECIMAL_FIELDS = MAPPER.readerFor(new TypeReference<LinkedHashMap<String, Object>>() { })
            .with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private final FinishedRequest request;
    private final UsageRecord usage;
    private final RouteDecision route;
    private final String escalation;
    private final List<String> budgetWarnings;
    private final LoggedTexts texts;
    private final SpanContext trace;
    /** {@link #json()}, once rendered. */
    private String json;

    /** The line of {@code request}; {@code trace} (null when not traced) adds its trace and span ids. */
    RequestLogLine(FinishedRequest request, SpanContext trace) {
        super(NAME);
        this.request = request.withoutFacts();
        this.trace = trace;
        RequestFacts facts = request.facts();
        if (facts == null) {
            this.usage = null;
            this.route = null;
            this.escalation = null;
            this.budgetWarnings = null;
            this.texts = null;
            return;
        }
        this.usage = facts.usage().get();
        this.route = facts.route().get();
        this.escalation = facts.escalations().isEmpty() ? null
                : String.join(",", facts.escalations().stream().map(Escalation::cause).toList());
        this.budgetWarnings = facts.budgetWarnings().get();
        this.texts = facts.texts().get();
    }

    /**
     * Writes the fields into the encoder's object: field by field, or as the text {@link #json()}
     * already rendered (the dashboard read the line first) when the object already has fields (the
     * encoder's timestamp and message come first).
     */
    @Override
    public void writeTo(JsonGenerator g) throws IOException {
        String rendered = json;
        JsonStreamContext object = g.getOutputContext();
        if (rendered != null && object.inObject() && object.getEntryCount() > 0) {
            g.writeRaw(',');
            g.writeRaw(rendered, 1, rendered.length() - 2);   // without the braces
            return;
        }
        writeFields(g);
    }

    private void writeFields(JsonGenerator g) throws IOException {
        FinishedRequest r = request;
        putIfSet(g, "request_id", r.requestId());
        putIfSet(g, "method", r.method());
        putIfSet(g, "route", r.route());
        g.writeNumberField("status", r.status());
        g.writeNumberField("duration_ms", Math.round(r.durationNanos() / 10_000.0) / 100.0);
        putIfSet(g, "outcome", r.outcome());
        putIfSet(g, "team", r.team());
        putIfSet(g, "key_id", r.keyId());
        putIfSet(g, "requested_model", r.requestedModel());
        UsageRecord u = usage;
        if (u != null) {
            putIfSet(g, "model", u.model());
            putIfSet(g, "provider", u.provider());
            putIfSet(g, "tier", u.tier());
            putIfSet(g, "cache", u.cache());
            g.writeBooleanField("stream", u.stream());
            putIfSet(g, "answer", u.outcome());
            g.writeNumberField("input_tokens", u.inputTokens());
            g.writeNumberField("output_tokens", u.outputTokens());
            g.writeNumberField("cached_tokens", u.cachedTokens());
            if (u.cacheWriteTokens() > 0) {
                g.writeNumberField("cache_write_tokens", u.cacheWriteTokens());
            }
            g.writeStringField("tokens_source", u.tokensSource().value());
            g.writeNumberField("cost_usd", u.costUsd());
            g.writeNumberField("baseline_usd", Costs.fromNanos(u.ledger().baselineNanos()));
            g.writeNumberField("saving_usd", u.savingUsd());
            g.writeStringField("saving_reason", u.savingReason().value());
            putIfSet(g, "baseline_model", u.baselineModel());
        }
        if (route != null) {
            putIfSet(g, "route_tier", route.tier());
            putIfSet(g, "route_cause", route.cause() == null ? null : route.cause().headerValue());
            if (route.score() != null) {
                g.writeNumberField("complexity", route.score().doubleValue());
            }
        }
        putIfSet(g, "escalation", escalation);
        if (budgetWarnings != null) {
            g.writeStringField("budget_warning", String.join("; ", budgetWarnings));
        }
        if (texts != null) {
            putIfSet(g, "prompt", texts.prompt());
            putIfSet(g, "completion", texts.completion());
        }
        if (trace != null) {
            g.writeStringField("trace_id", trace.getTraceId());
            g.writeStringField("span_id", trace.getSpanId());
        }
    }

    private static void putIfSet(JsonGenerator g, String name, String value) throws IOException {
        if (value != null) {
            g.writeStringField(name, value);
        }
    }

    @Override
    public String route() {
        return request.route();
    }

    /**
     * The fields as one JSON object, rendered on first use (the dashboard reading its tail; the
     * log's writer writes the fields straight into its line unless this came first).
     */
    @Override
    public String json() {
        String rendered = json;
        if (rendered == null) {
            rendered = render();
            json = rendered;   // a String is safely published: a racing reader renders its own, equal copy
        }
        return rendered;
    }

    private String render() {
        JsonFactory factory = MAPPER.getFactory();
        BufferRecycler buffers = factory._getBufferRecycler();
        try (SegmentedStringWriter out = new SegmentedStringWriter(buffers);
             JsonGenerator g = factory.createGenerator(out)) {
            g.writeStartObject();
            writeFields(g);
            g.writeEndObject();
            g.flush();
            return out.getAndClear();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            buffers.releaseToPool();
        }
    }

    /** The fields in order, as JSON reads them back (tests). */
    Map<String, Object> fields() {
        try {
            return MAPPER.readValue(json(), new TypeReference<LinkedHashMap<String, Object>>() { });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fields as {@code {name=value, ...}}, as the map's marker showed them (decimals as written). */
    @Override
    protected String toStringSelf() {
        try {
            return String.valueOf(DECIMAL_FIELDS.<Map<String, Object>>readValue(json()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other == this;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
