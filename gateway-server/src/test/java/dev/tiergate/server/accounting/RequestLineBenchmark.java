package dev.tiergate.server.accounting;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import dev.tiergate.core.accounting.SavingReason;
import dev.tiergate.core.accounting.TokensSource;
import dev.tiergate.core.accounting.UsageRecord;
import dev.tiergate.core.config.TeamConfig;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.Message;
import dev.tiergate.core.pipeline.CacheDirectives;
import dev.tiergate.core.pipeline.Caller;
import dev.tiergate.core.pipeline.Deadline;
import dev.tiergate.core.pipeline.Exchange;
import dev.tiergate.core.pipeline.RequestFacts;
import dev.tiergate.server.requests.RequestListener.FinishedRequest;
import dev.tiergate.server.testing.AccessLogEncoders;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import net.logstash.logback.encoder.LogstashEncoder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one request's log line costs, made and encoded (a plain chat request's line: usage, no
 * route): by the gateway's encoder (AccessLogEncoder: the line's fields straight into one reused
 * buffer), against the logstash encoder (its generator, with the line's fields rendered by the
 * line and copied in, as with an operator's own logstash configuration; before AccessLogEncoder the
 * logstash encoder wrote every line, the fields through its generator). Average time per line. Run
 * with {@code BENCH_MODULE=gateway-server bash bench/jmh.sh RequestLine}; not a test.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class RequestLineBenchmark {
    private final LoggerContext context = new LoggerContext();
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    private LogstashEncoder logstash;
    private Encoder<ILoggingEvent> gateway;
    private FinishedRequest request;

    @Setup
    public void setUp() {
        logstash = AccessLogEncoders.logstash(context);
        gateway = AccessLogEncoders.gateway(new LoggerContext());
        RequestFacts facts = Exchange.of("req", new Caller(new TeamConfig("demo", List.of(), Set.of("*"), null,
                Map.of()), "demo-key"), ChatRequest.of("gpt-4o-mini", List.of(Message.user("hi"))),
                CacheDirectives.NONE, executor, Deadline.in(Duration.ofSeconds(5))).facts();
        facts.usage().set(new UsageRecord("req_b06896fe48b575b8cad78a7065ccdaf9", Instant.now(), "demo", "demo-key",
                "gpt-4o-mini", "gpt-4o-mini", "openai", null, "bypass", false, UsageRecord.COMPLETE, 28, 21, 0,
                TokensSource.PROVIDER, new BigDecimal("0.0000168"), BigDecimal.ZERO, SavingReason.NONE, "gpt-4o-mini"));
        request = new FinishedRequest("req_b06896fe48b575b8cad78a7065ccdaf9", "POST", "/v1/chat/completions", 200,
                "provider=openai served=gpt-4o-mini cache=bypass", 1_234_567, "demo", "demo-key", "gpt-4o-mini", facts);
    }

    @TearDown
    public void tearDown() {
        executor.shutdownNow();
        context.stop();
    }

    @Benchmark
    public byte[] gatewayEncoder() {
        return gateway.encode(event(new RequestLogLine(request, null)));
    }

    @Benchmark
    public byte[] logstashEncoder() {
        return logstash.encode(event(new RequestLogLine(request, null)));
    }

    private LoggingEvent event(RequestLogLine line) {
        LoggingEvent event = new LoggingEvent("fqcn", context.getLogger(RequestLog.LOGGER), Level.INFO, "{} {} {} {}",
                null, new Object[] {request.method(), request.route(), request.status(), request.outcome()});
        event.setThreadName("tiergate-io-1-1");
        event.setMDCPropertyMap(Map.of());
        event.addMarker(line);
        return event;
    }
}
