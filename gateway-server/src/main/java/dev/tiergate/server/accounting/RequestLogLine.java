package dev.tiergate.server.accounting;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.tiergate.core.accounting.Costs;
import dev.tiergate.core.accounting.UsageRecord;
import dev.tiergate.core.json.Json;
import dev.tiergate.core.json.JsonLineWriter;
import dev.tiergate.core.pipeline.LoggedTexts;
import dev.tiergate.core.pipeline.RequestFacts;
import dev.tiergate.core.routing.Escalation;
import dev.tiergate.core.routing.RouteDecision;
import dev.tiergate.server.logging.JsonLineFields;
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
 * and kept by the dashboard's tail) and written straight into the line when the line is written
 * ({@link JsonLineFields}, by the request log's encoder), one typed call per field: no map, no
 * boxing and no serializer lookup per field, as {@code Markers.appendEntries} of a map would do.
 * The bytes are those the map's entries gave through the logstash encoder (RequestLogLineTest).
 * Rendered as a JSON text only when asked ({@link #json()}: the dashboard reading its tail, or a
 * logstash encoder of the operator's own logging configuration), once.
 */
final class RequestLogLine extends LogstashMarker implements RequestLog.Line, JsonLineFields {
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
     * Writes the fields into a logstash encoder's object (a logging configuration of the operator's
     * own; LoggingSetup's encoder calls {@link #writeFields(JsonLineWriter)}): the text
     * {@link #json()} renders, without its braces, after the fields the object has (the encoder's
     * timestamp and message come first), or field by field through the generator when it has none.
     */
    @Override
    public void writeTo(JsonGenerator g) throws IOException {
        String rendered = json();
        JsonStreamContext object = g.getOutputContext();
        if (object.inObject() && object.getEntryCount() > 0) {
            if (rendered.length() > 2) {
                g.writeRaw(',');
                g.writeRaw(rendered, 1, rendered.length() - 2);   // without the braces
            }
            return;
        }
        try (JsonParser fields = MAPPER.createParser(rendered)) {
            fields.nextToken();
            while (fields.nextToken() == JsonToken.FIELD_NAME) {
                g.copyCurrentStructure(fields);
            }
        }
    }

    @Override
    public void writeFields(JsonLineWriter g) {
        FinishedRequest r = request;
        g.fieldIfSet("request_id", r.requestId())
                .fieldIfSet("method", r.method())
                .fieldIfSet("route", r.route())
                .field("status", r.status())
                .field("duration_ms", Math.round(r.durationNanos() / 10_000.0) / 100.0)
                .fieldIfSet("outcome", r.outcome())
                .fieldIfSet("team", r.team())
                .fieldIfSet("key_id", r.keyId())
                .fieldIfSet("requested_model", r.requestedModel());
        UsageRecord u = usage;
        if (u != null) {
            g.fieldIfSet("model", u.model())
                    .fieldIfSet("provider", u.provider())
                    .fieldIfSet("tier", u.tier())
                    .fieldIfSet("cache", u.cache())
                    .field("stream", u.stream())
                    .fieldIfSet("answer", u.outcome())
                    .field("input_tokens", u.inputTokens())
                    .field("output_tokens", u.outputTokens())
                    .field("cached_tokens", u.cachedTokens());
            if (u.cacheWriteTokens() > 0) {
                g.field("cache_write_tokens", u.cacheWriteTokens());
            }
            g.field("tokens_source", u.tokensSource().value())
                    .field("cost_usd", u.costUsd())
                    .field("baseline_usd", Costs.fromNanos(u.ledger().baselineNanos()))
                    .field("saving_usd", u.savingUsd())
                    .field("saving_reason", u.savingReason().value())
                    .fieldIfSet("baseline_model", u.baselineModel());
        }
        if (route != null) {
            g.fieldIfSet("route_tier", route.tier())
                    .fieldIfSet("route_cause", route.cause() == null ? null : route.cause().headerValue());
            if (route.score() != null) {
                g.field("complexity", route.score().doubleValue());
            }
        }
        g.fieldIfSet("escalation", escalation);
        if (budgetWarnings != null) {
            g.field("budget_warning", String.join("; ", budgetWarnings));
        }
        if (texts != null) {
            g.fieldIfSet("prompt", texts.prompt()).fieldIfSet("completion", texts.completion());
        }
        if (trace != null) {
            g.field("trace_id", trace.getTraceId()).field("span_id", trace.getSpanId());
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
        JsonLineWriter line = new JsonLineWriter(1024).startObject();
        writeFields(line);
        return line.endObject().toString();
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
