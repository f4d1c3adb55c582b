package dev.tiergate.server.telemetry;

import dev.tiergate.core.pipeline.CacheLookup;
import dev.tiergate.core.pipeline.Exchange;
import dev.tiergate.core.pipeline.RequestFacts;
import dev.tiergate.core.pipeline.Served;
import dev.tiergate.core.pipeline.StageObserver;
import dev.tiergate.core.resilience.AttemptOutcome;
import dev.tiergate.core.error.GatewayError;
import dev.tiergate.core.error.UpstreamError;
import dev.tiergate.core.resilience.UpstreamAttempt;
import dev.tiergate.core.resilience.UpstreamAttemptListener;
import dev.tiergate.server.requests.RequestListener;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One span per request ({@code SERVER}), with a child per pipeline stage (its {@code before}:
 * cache lookups, embedding, routing, limits) and per upstream attempt ({@code CLIENT}), holding the
 * attributes a platform engineer filters on: team, requested and served model, provider, tier,
 * cache outcome, attempt number, outcome, status. Never prompt or answer text, never keys. An
 * incoming W3C {@code traceparent} is the parent of the request's span, and each attempt's
 * {@code traceparent} goes upstream with it. The probes and
 * {@code /metrics} are not traced.
 *
 * <p>The request's span is kept by request id from its start to its end; stages and attempts find
 * it there (they run on other threads than the request began on, so no thread-local context).
 */
public final class RequestSpans implements RequestListener, StageObserver, UpstreamAttemptListener, TraceIds {
    private static final Set<String> UNTRACED = Set.of("/healthz", "/readyz", "/metrics");
    private static final TextMapGetter<Function<String, String>> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Function<String, String> carrier) {
            return List.of("traceparent", "tracestate");
        }

        @Override
        public String get(Function<String, String> carrier, String key) {
            return carrier == null ? null : carrier.apply(key);
        }
    };

    private final Tracer tracer;
    private final Map<String, Span> requests = new ConcurrentHashMap<>();
    private final Map<String, Span> attempts = new ConcurrentHashMap<>();

    public RequestSpans(Tracing tracing) {
        this.tracer = tracing.tracer();
    }

    @Override
    public void started(String requestId, String method, String path, Function<String, String> header) {
        if (UNTRACED.contains(path)) {
            return;
        }
        Context parent = W3CTraceContextPropagator.getInstance().extract(Context.root(), header, HEADERS);
        Span span = tracer.spanBuilder(method + " " + path).setSpanKind(SpanKind.SERVER).setParent(parent)
                .setAttribute("http.request.method", method)
                .setAttribute("url.path", path)
                .setAttribute("tiergate.request_id", requestId)
                .startSpan();
        requests.put(requestId, span);
    }

    @Override
    public void finished(FinishedRequest r) {
        Span span = requests.remove(r.requestId());
        if (span == null) {
            return;
        }
        span.updateName(r.method() + " " + r.route());
        span.setAttribute("http.route", r.route());
        span.setAttribute("http.response.status_code", r.status());
        setIfPresent(span, "tiergate.outcome", r.outcome());
        setIfPresent(span, "tiergate.team", r.team());
        setIfPresent(span, "tiergate.requested_model", r.requestedModel());
        describe(span, r.facts());
        if (r.status() >= 500) {
            span.setStatus(StatusCode.ERROR);
        }
        span.end();
    }

    private static void describe(Span span, RequestFacts facts) {
        if (facts == null) {
            return;
        }
        Served served = facts.served().get();
        if (served != null) {
            setIfPresent(span, "tiergate.provider", served.provider());
            setIfPresent(span, "tiergate.model", served.model());
            span.setAttribute("tiergate.attempts", served.attempts());
        }
        setIfPresent(span, "tiergate.tier", facts.tier());
        CacheLookup cache = facts.cache();
        span.setAttribute("tiergate.cache", cache == null ? "none" : cache.outcome().headerValue());
    }

    @Override
    public void stepped(String stage, String outcome, long nanos) {
        // only the variant with the exchange places a step
    }

    @Override
    public void stepped(Exchange exchange, String stage, String outcome, long nanos) {
        Span request = requests.get(exchange.requestId());
        if (request == null) {
            return;
        }
        long end = System.currentTimeMillis() * 1_000_000L;
        tracer.spanBuilder("stage " + stage).setParent(Context.root().with(request))
                .setStartTimestamp(end - nanos, TimeUnit.NANOSECONDS)
                .setAttribute("tiergate.stage", stage)
                .setAttribute("tiergate.stage.outcome", outcome)
                .startSpan()
                .end(end, TimeUnit.NANOSECONDS);
    }

    @Override
    public void attemptStarted(UpstreamAttempt attempt) {
        Span request = requests.get(attempt.requestId());
        if (request == null) {
            return;
        }
        Span span = tracer.spanBuilder("upstream " + attempt.provider()).setSpanKind(SpanKind.CLIENT)
                .setParent(Context.root().with(request))
                .setAttribute("tiergate.model", attempt.model())
                .setAttribute("tiergate.provider", attempt.provider())
                .setAttribute("tiergate.upstream_model", attempt.upstreamModel())
                .setAttribute("tiergate.attempt", attempt.number())
                .setAttribute("tiergate.stream", attempt.stream())
                .startSpan();
        attempts.put(key(attempt), span);
    }

    /** The attempt's {@code traceparent} (and {@code tracestate}), so the provider's spans join the trace. */
    @Override
    public Map<String, String> headers(UpstreamAttempt attempt) {
        Span span = attempts.get(key(attempt));
        if (span == null) {
            return Map.of();
        }
        Map<String, String> headers = new java.util.HashMap<>(2);
        W3CTraceContextPropagator.getInstance().inject(Context.root().with(span), headers, Map::put);
        return headers;
    }

    @Override
    public void attemptSucceeded(UpstreamAttempt attempt, Duration duration) {
        Span span = attempts.remove(key(attempt));
        if (span != null) {
            span.setAttribute("tiergate.attempt.outcome", "ok");
            span.end();
        }
    }

    @Override
    public void attemptFailed(UpstreamAttempt attempt, AttemptOutcome outcome, GatewayError error, Duration duration) {
        Span span = attempts.remove(key(attempt));
        if (span != null) {
            span.setAttribute("tiergate.attempt.outcome", outcome.name().toLowerCase(java.util.Locale.ROOT));
            span.setAttribute("http.response.status_code",
                    error instanceof UpstreamError upstream ? upstream.upstreamStatus() : error.status());
            setIfPresent(span, "error.type", error.code());
            span.setStatus(StatusCode.ERROR);
            span.end();
        }
    }

    /** The trace and span id of a request in flight, for its log line; null when it is not traced. */
    @Override
    public SpanContext of(String requestId) {
        Span span = requests.get(requestId);
        return span == null ? null : span.getSpanContext();
    }

    private static String key(UpstreamAttempt attempt) {
        return attempt.requestId() + '\u0000' + attempt.model() + '\u0000' + attempt.provider() + '\u0000'
                + attempt.number();
    }

    private static void setIfPresent(Span span, String key, String value) {
        if (value != null) {
            span.setAttribute(key, value);
        }
    }
}
