package dev.tiergate.server.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.tiergate.server.accounting.RequestLog;
import dev.tiergate.server.telemetry.Tracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * OpenTelemetry traces, read from the SDK's in-memory exporter: the span tree of a cached, a
 * routed-and-retried and a streamed request (a server span per request, a span per pipeline stage,
 * a client span per upstream attempt), the attributes on them, never prompt text; an incoming
 * {@code traceparent} is the parent; the request log line carries the trace and span id.
 */
class TracingEndToEndTest {
    private static final String PROMPT = "a secret prompt about quarterly numbers";
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String TRACEPARENT = "00-" + TRACE_ID + "-00f067aa0ba902b7-01";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final WireMockServer upstream = new WireMockServer(wireMockConfig().dynamicPort());
    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private TestGateway gateway;

    @BeforeEach
    void start() throws Exception {
        upstream.start();
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(spans)).build();
        gateway = TestGateway.startTraced(UpstreamFixtures.gatewayYaml(upstream.port(), 1 << 20)
                        + "resilience: {retry: {max-attempts: 2, initial-backoff-ms: 10}}\n",
                Map.of("teams/team-a.yaml", TestGateway.teamYaml("")), Tracing.of(provider));
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        upstream.stop();
    }

    @Test
    void aCachedRequestIsOneServerSpanWithItsStagesAndNoUpstreamAttemptUnderTheIncomingTrace() throws Exception {
        UpstreamFixtures.stubChat(upstream, 1, 0);
        assertThat(send(false, null).statusCode()).isEqualTo(200);
        root();   // the first request's span ends just after its answer: wait for it, then start afresh
        spans.reset();
        ListAppender<ILoggingEvent> access = capture(RequestLog.LOGGER);
        try {
            HttpResponse<String> cached = send(false, TRACEPARENT);
            assertThat(cached.headers().firstValue("x-tiergate-cache")).hasValue("hit");

            SpanData root = root();
            assertThat(root.getKind()).isEqualTo(SpanKind.SERVER);
            assertThat(root.getName()).isEqualTo("POST /v1/chat/completions");
            assertThat(root.getTraceId()).isEqualTo(TRACE_ID);
            assertThat(root.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
            assertThat(attribute(root, "tiergate.cache")).isEqualTo("hit");
            assertThat(attribute(root, "tiergate.team")).isEqualTo("team-a");
            assertThat(attribute(root, "tiergate.requested_model")).isEqualTo("gpt-4o-mini");
            assertThat(root.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(200L);
            List<SpanData> children = childrenOf(root);
            assertThat(children).extracting(SpanData::getName).contains("stage exact-cache")
                    .noneMatch(name -> name.startsWith("upstream"));
            SpanData exact = children.stream().filter(s -> s.getName().equals("stage exact-cache")).findFirst()
                    .orElseThrow();
            assertThat(attribute(exact, "tiergate.stage.outcome")).isEqualTo("hit");
            assertThat(exact.getEndEpochNanos()).isGreaterThanOrEqualTo(exact.getStartEpochNanos());
            assertNoPromptText();

            ILoggingEvent line = access.list.stream().filter(e -> e.getFormattedMessage().contains("POST"))
                    .findFirst().orElseThrow();
            assertThat(String.valueOf(line.getMarkerList())).contains("trace_id=" + TRACE_ID)
                    .contains("span_id=" + root.getSpanId());
        } finally {
            stopCapturing(RequestLog.LOGGER, access);
        }
    }

    @Test
    void aRoutedRequestRetriedAfterA503HasTwoAttemptSpans() throws Exception {
        upstream.stubFor(post(urlEqualTo("/v1/chat/completions")).inScenario("flaky")
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("recovered")
                .willReturn(aResponse().withStatus(503).withBody("{\"error\":{\"message\":\"busy\"}}")));
        upstream.stubFor(post(urlEqualTo("/v1/chat/completions")).inScenario("flaky")
                .whenScenarioStateIs("recovered")
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody(UpstreamFixtures.completionJson("gpt-4o-mini", "fine"))));
        HttpResponse<String> response = send("auto", false, null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-tiergate-attempts")).hasValue("2");

        SpanData root = root();
        assertThat(attribute(root, "tiergate.tier")).isEqualTo("small");
        assertThat(attribute(root, "tiergate.model")).isEqualTo("gpt-4o-mini");
        assertThat(attribute(root, "tiergate.cache")).isEqualTo("miss");
        assertThat(root.getAttributes().get(AttributeKey.longKey("tiergate.attempts"))).isEqualTo(2L);
        List<SpanData> attempts = childrenOf(root).stream().filter(s -> s.getKind() == SpanKind.CLIENT)
                .sorted(java.util.Comparator.comparingLong(SpanData::getStartEpochNanos)).toList();
        assertThat(attempts).hasSize(2);
        assertThat(attempts.get(0).getAttributes().get(AttributeKey.longKey("tiergate.attempt"))).isEqualTo(1L);
        assertThat(attribute(attempts.get(0), "tiergate.attempt.outcome")).isEqualTo("retryable_error");
        assertThat(attempts.get(0).getAttributes().get(AttributeKey.longKey("http.response.status_code")))
                .isEqualTo(503L);
        assertThat(attempts.get(0).getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(attempts.get(1).getAttributes().get(AttributeKey.longKey("tiergate.attempt"))).isEqualTo(2L);
        assertThat(attribute(attempts.get(1), "tiergate.attempt.outcome")).isEqualTo("ok");
        assertThat(attribute(attempts.get(1), "tiergate.provider")).isEqualTo("up");
        assertThat(attempts.get(1).getStartEpochNanos()).isGreaterThanOrEqualTo(attempts.get(0).getEndEpochNanos());
        assertThat(childrenOf(root)).extracting(SpanData::getName).contains("stage exact-cache");
        assertNoPromptText();
        // each upstream request names its own attempt's span as parent
        List<String> sent = upstream.getAllServeEvents().stream()
                .sorted(java.util.Comparator.comparing(e -> e.getRequest().getLoggedDate()))
                .map(e -> e.getRequest().getHeader("traceparent").substring(0, 52)).toList();   // flags aside
        assertThat(sent).containsExactly(
                "00-" + root.getTraceId() + "-" + attempts.get(0).getSpanId(),
                "00-" + root.getTraceId() + "-" + attempts.get(1).getSpanId());
    }

    @Test
    void aStreamedRequestSpanLastsUntilItsLastChunk() throws Exception {
        UpstreamFixtures.stubChat(upstream, 4, 400);   // 4 chunks spread over 400 ms
        HttpResponse<String> response = send(true, null);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).endsWith("data: [DONE]\n\n");

        SpanData root = root();
        SpanData attempt = childrenOf(root).stream().filter(s -> s.getKind() == SpanKind.CLIENT).findFirst()
                .orElseThrow();
        assertThat(attempt.getAttributes().get(AttributeKey.booleanKey("tiergate.stream"))).isTrue();
        assertThat(attribute(attempt, "tiergate.attempt.outcome")).isEqualTo("ok");
        // the attempt ends with the first chunk; the request's span lasts until the last, >= 250 ms later
        assertThat(root.getEndEpochNanos() - attempt.getEndEpochNanos()).isGreaterThanOrEqualTo(250_000_000L);
        assertThat(upstream.getAllServeEvents().getFirst().getRequest().getHeader("traceparent"))
                .startsWith("00-" + root.getTraceId() + "-" + attempt.getSpanId() + "-");
        assertNoPromptText();
    }

    /** The one server span of the last request, waiting up to 5 s for it to end (a stream ends after its answer). */
    private SpanData root() {
        AdminCalls.await(() -> spans.getFinishedSpanItems().stream().anyMatch(s -> s.getKind() == SpanKind.SERVER),
                Duration.ofSeconds(5), "the request's span ended");
        List<SpanData> roots = spans.getFinishedSpanItems().stream().filter(s -> s.getKind() == SpanKind.SERVER).toList();
        assertThat(roots).hasSize(1);
        return roots.getFirst();
    }

    private List<SpanData> childrenOf(SpanData root) {
        return spans.getFinishedSpanItems().stream()
                .filter(s -> s.getParentSpanId().equals(root.getSpanId()) && s.getTraceId().equals(root.getTraceId()))
                .toList();
    }

    private void assertNoPromptText() {
        for (SpanData span : spans.getFinishedSpanItems()) {
            assertThat(span.getName()).doesNotContain("quarterly");
            span.getAttributes().forEach((key, value) -> assertThat(String.valueOf(value)).as(key.getKey())
                    .doesNotContain("quarterly"));
        }
    }

    private static String attribute(SpanData span, String key) {
        return span.getAttributes().get(AttributeKey.stringKey(key));
    }

    private HttpResponse<String> send(boolean stream, String traceparent) throws Exception {
        return send("gpt-4o-mini", stream, traceparent);
    }

    private HttpResponse<String> send(String model, boolean stream, String traceparent) throws Exception {
        String body = "{\"model\":\"" + model + "\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}]}";
        HttpRequest.Builder request = HttpRequest.newBuilder(gateway.uri("/v1/chat/completions"))
                .header("Authorization", "Bearer " + TestGateway.KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (traceparent != null) {
            request.header("traceparent", traceparent);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static ListAppender<ILoggingEvent> capture(String loggerName) {
        Logger logger = (Logger) LoggerFactory.getLogger(loggerName);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.setContext(logger.getLoggerContext());
        appender.start();
        logger.addAppender(appender);
        return appender;
    }

    private static void stopCapturing(String loggerName, ListAppender<ILoggingEvent> appender) {
        ((Logger) LoggerFactory.getLogger(loggerName)).detachAppender(appender);
    }
}
