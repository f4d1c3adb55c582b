package dev.tiergate.server.accounting;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import dev.tiergate.core.accounting.UsageRecord;
import dev.tiergate.core.config.TeamConfig;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.Message;
import dev.tiergate.core.pipeline.CacheDirectives;
import dev.tiergate.core.pipeline.Caller;
import dev.tiergate.core.pipeline.Deadline;
import dev.tiergate.core.pipeline.Exchange;
import dev.tiergate.core.pipeline.LoggedTexts;
import dev.tiergate.core.pipeline.RequestFacts;
import dev.tiergate.core.routing.Escalation;
import dev.tiergate.core.routing.RouteCause;
import dev.tiergate.core.routing.RouteDecision;
import dev.tiergate.server.logging.AccessLogEncoder;
import dev.tiergate.server.requests.RequestListener.FinishedRequest;
import dev.tiergate.server.testing.AccessLogEncoders;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import net.logstash.logback.encoder.LogstashEncoder;
import net.logstash.logback.marker.LogstashMarker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The request log line written field by field is byte for byte the line the map of its fields
 * gave through {@code Markers.appendEntries} (the encoding before, kept in
 * request-log-lines.jsonl), through the logstash encoder as LoggingSetup configured it before and
 * through the encoder LoggingSetup configures now (AccessLogEncoder).
 */
class RequestLogLineTest {
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    private final LoggerContext context = new LoggerContext();

    @AfterEach
    void stop() {
        executor.shutdownNow();
        context.stop();
    }

    @Test
    void aLineIsByteIdenticalToTheLineTheMapOfItsFieldsGave() throws IOException {
        LogstashEncoder encoder = AccessLogEncoders.logstash(context);
        Encoder<ILoggingEvent> gatewayEncoder = AccessLogEncoders.gateway(new LoggerContext());
        assertThat(gatewayEncoder).isInstanceOf(AccessLogEncoder.class);
        List<String> before;
        try (InputStream in = getClass().getResourceAsStream("/accounting/request-log-lines.jsonl")) {
            before = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
        List<FinishedRequest> requests = requests();

        assertThat(requests).hasSameSizeAs(before);
        for (int i = 0; i < requests.size(); i++) {
            RequestLogLine line = new RequestLogLine(requests.get(i), trace(i));
            if (i % 2 == 0) {
                line.json();   // as the dashboard's tail takes it before the log's writer encodes the line
            }
            String after = encode(encoder, requests.get(i), line);
            String fast = encode(gatewayEncoder, requests.get(i), new RequestLogLine(requests.get(i), trace(i)));

            assertThat(after).as("request %d", i).isEqualTo(before.get(i) + "\n");
            assertThat(fast).as("request %d through the gateway's encoder", i).isEqualTo(before.get(i) + "\n");
        }
    }

    @Test
    void theMapOfALineIsItsFieldsInOrder() {
        FinishedRequest r = requests().get(5);
        Map<String, Object> fields = new RequestLogLine(r, trace(0)).fields();

        assertThat(fields.keySet()).startsWith("request_id", "method", "route", "status", "duration_ms").endsWith("trace_id", "span_id");
        assertThat(fields).containsEntry("request_id", r.requestId()).containsEntry("status", r.status());
        assertThat(new RequestLogLine(r, trace(0)).toString()).startsWith("{request_id=")
                .contains("{request_id=" + r.requestId() + ", method=POST,").contains("trace_id=" + trace(0).getTraceId());
    }

    /**
     * The requests of request-log-lines.jsonl, which holds their lines as RequestLog wrote them
     * before RequestLogLine (a map of the fields through {@code Markers.appendEntries}, commit 4fc2a34):
     * with and without usage, route, escalations, budget warnings, logged texts and trace ids.
     */
    private List<FinishedRequest> requests() {
        Random random = new Random(20);
        List<FinishedRequest> requests = new ArrayList<>();
        requests.add(new FinishedRequest("req_health", "GET", "/readyz", 200, "ready", 21_123_456, null, null, null, null));
        requests.add(new FinishedRequest("req_bad", "POST", "/v1/chat/completions", 401, null, 5_000, null, null, null,
                facts()));
        for (int i = 0; i < 200; i++) {
            requests.add(request(random, "req_" + i));
        }
        return requests;
    }

    private static SpanContext trace(int i) {
        return i % 3 == 0 ? SpanContext.create(String.format("%032x", i + 1), String.format("%016x", i + 7),
                TraceFlags.getSampled(), TraceState.getDefault()) : null;
    }

    private FinishedRequest request(Random random, String id) {
        RequestFacts facts = facts();
        if (random.nextInt(4) > 0) {
            UsageRecord usage = UsageRecords.random(random, id, Instant.EPOCH);
            if (random.nextBoolean()) {
                usage = new UsageRecord(usage.requestId(), usage.timestamp(), usage.team(), usage.keyId(),
                        usage.requestedModel(), usage.model(), usage.provider(), usage.tier(), usage.cache(), usage.stream(),
                        usage.outcome(), usage.inputTokens(), usage.outputTokens(), usage.cachedTokens(), usage.tokensSource(),
                        usage.costUsd(), usage.savingUsd(), usage.savingReason(), random.nextBoolean() ? null : "gpt-4o",
                        random.nextInt(3) * 1000L, 0, usage.ledger());
            }
            facts.usage().set(usage);
        }
        if (random.nextBoolean()) {
            facts.route().set(new RouteDecision("auto", "mid", "demo-mid", random.nextBoolean() ? null : random.nextDouble(),
                    RouteCause.values()[random.nextInt(RouteCause.values().length)], Map.of("mid", 1.0), List.of()));
        }
        for (int e = random.nextInt(3); e > 0; e--) {
            facts.escalations().add(new Escalation("small", "demo-small", "mid", e == 1 ? "refusal" : "low-confidence"));
        }
        if (random.nextInt(4) == 0) {
            facts.budgetWarnings().set(List.of("team demo at 80% of its monthly budget", "key k1 at 91%"));
        }
        if (random.nextInt(4) == 0) {
            facts.texts().set(new LoggedTexts("a \"quoted\" prompt\nwith ünïcode", random.nextBoolean() ? null : "an answer"));
        }
        return new FinishedRequest(id, "POST", "/v1/chat/completions", 200 + random.nextInt(3) * 100,
                random.nextInt(5) == 0 ? null : "provider=openai cache=miss", random.nextLong(1, 10_000_000_000L),
                random.nextInt(5) == 0 ? null : "demo", random.nextInt(5) == 0 ? null : "demo-key",
                random.nextInt(5) == 0 ? null : "auto", facts);
    }

    private RequestFacts facts() {
        return Exchange.of("req", new Caller(new TeamConfig("demo", List.of(), Set.of("*"), null, Map.of()), "demo-key"),
                ChatRequest.of("auto", List.of(Message.user("hi"))), CacheDirectives.NONE, executor,
                Deadline.in(Duration.ofSeconds(5))).facts();
    }

    private String encode(Encoder<ILoggingEvent> encoder, FinishedRequest r, LogstashMarker marker) {
        LoggingEvent event = new LoggingEvent("fqcn", context.getLogger(RequestLog.LOGGER), Level.INFO, "{} {} {} {}", null,
                new Object[] {r.method(), r.route(), r.status(), r.outcome() == null ? "-" : r.outcome()});
        event.setInstant(Instant.parse("2026-12-02T13:34:33.239148160Z"));
        event.setThreadName("tiergate-io-1-1");
        event.setMDCPropertyMap(Map.of());
        event.addMarker(marker);
        return new String(encoder.encode(event), StandardCharsets.UTF_8);
    }
}
