package dev.tiergate.server.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.tiergate.core.json.JsonLineWriter;
import dev.tiergate.server.testing.AccessLogEncoders;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.logstash.logback.argument.StructuredArguments;
import net.logstash.logback.encoder.LogstashEncoder;
import net.logstash.logback.marker.LogstashMarker;
import net.logstash.logback.marker.Markers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

/**
 * The request log's encoder writes a line with its own fields (a {@link JsonLineFields} marker)
 * byte for byte as the logstash encoder LoggingSetup configured before it: random messages, thread
 * names, times and field values (escapes, non-ASCII text, tiny and large decimals, doubles); and
 * hands every other event (other markers, MDC, key-value pairs, structured arguments, a throwable)
 * to that encoder.
 */
class AccessLogEncoderTest {
    private final LoggerContext context = new LoggerContext();
    private final LogstashEncoder logstash = AccessLogEncoders.logstash(context);
    private final AccessLogEncoder encoder = AccessLogEncoders.gateway(context);

    @AfterEach
    void stop() {
        encoder.stop();
        logstash.stop();
        context.stop();
    }

    @Test
    void aLineWithItsOwnFieldsIsTheLineTheLogstashEncoderWrites() {
        Random random = new Random(5);
        String[] texts = {"POST /v1/chat/completions 200 stream 10 chunks", "tab\there \"quoted\" \\ back",
            "ünïcode €", "smile \uD83D\uDE00", "ctl \u0001\u001F\u007F", ""};
        for (int i = 0; i < 2_000; i++) {
            Fields fields = new Fields(texts[random.nextInt(texts.length)], random.nextLong(),
                    BigDecimal.valueOf(random.nextInt(2_000_000) - 1_000_000L, random.nextInt(14)),
                    Math.round(random.nextDouble() * 1e6) / (random.nextBoolean() ? 100.0 : 1e9), random.nextBoolean());
            LoggingEvent event = event(texts[random.nextInt(texts.length)] + " {}", new Object[] {i},
                    Instant.ofEpochSecond(1_780_000_000L + random.nextInt(100_000), random.nextInt(4) == 0 ? 0
                            : random.nextInt(1_000_000_000) / (random.nextBoolean() ? 1 : 1000) * (random.nextBoolean() ? 1 : 1000)),
                    texts[random.nextInt(texts.length)], Map.of());
            event.addMarker(fields);

            assertThat(text(encoder, event)).as("line %d", i).isEqualTo(text(logstash, event));
        }
    }

    @Test
    void everyOtherEventIsTheLogstashEncodersToWrite() {
        Fields fields = new Fields("v", 1, new BigDecimal("0.0000001"), 2.5, true);
        LoggingEvent plain = event("audit {}", new Object[] {"x"}, Instant.parse("2026-12-05T10:00:00.5Z"));
        plain.addMarker(Markers.append("action", "create-key"));
        LoggingEvent withMdc = event("m", null, Instant.parse("2026-12-05T10:00:01Z"), "t", Map.of("user", "ops"));
        withMdc.addMarker(fields);
        LoggingEvent withPair = event("m", null, Instant.parse("2026-12-05T10:00:02Z"));
        withPair.addMarker(fields);
        withPair.addKeyValuePair(new KeyValuePair("k", "v"));
        LoggingEvent structured = event("m {}", new Object[] {StructuredArguments.kv("arg", 3)},
                Instant.parse("2026-12-05T10:00:03Z"));
        structured.addMarker(fields);
        LoggingEvent thrown = new LoggingEvent("fqcn", context.getLogger("tiergate.access"), Level.INFO, "m",
                new IllegalStateException("boom"), null);
        thrown.addMarker(fields);
        LoggingEvent twoMarkers = event("m", null, Instant.parse("2026-12-05T10:00:04Z"));
        twoMarkers.addMarker(fields);
        twoMarkers.addMarker(Markers.append("extra", 1));

        for (LoggingEvent event : List.of(plain, withMdc, withPair, structured, thrown, twoMarkers)) {
            assertThat(text(encoder, event)).isEqualTo(text(logstash, event));
        }
        assertThat(text(encoder, withMdc)).contains("\"user\":\"ops\"", "\"f_text\":\"v\"");
        assertThat(text(encoder, thrown)).contains("\"stack_trace\":\"java.lang.IllegalStateException: boom");
    }

    private LoggingEvent event(String message, Object[] arguments, Instant at) {
        return event(message, arguments, at, "tiergate-io-1-1", Map.of());
    }

    private LoggingEvent event(String message, Object[] arguments, Instant at, String thread, Map<String, String> mdc) {
        LoggingEvent event = new LoggingEvent("fqcn", context.getLogger("tiergate.access"), Level.INFO, message, null,
                arguments);
        event.setInstant(at);
        event.setThreadName(thread);
        event.setMDCPropertyMap(mdc);
        return event;
    }

    private static String text(Encoder<ILoggingEvent> encoder, ILoggingEvent event) {
        return new String(encoder.encode(event), StandardCharsets.UTF_8);
    }

    /** A marker with a field of every kind, written both ways. */
    private static final class Fields extends LogstashMarker implements JsonLineFields {
        private final String text;
        private final long whole;
        private final BigDecimal decimal;
        private final double real;
        private final boolean flag;

        Fields(String text, long whole, BigDecimal decimal, double real, boolean flag) {
            super("TEST_FIELDS");
            this.text = text;
            this.whole = whole;
            this.decimal = decimal;
            this.real = real;
            this.flag = flag;
        }

        @Override
        public void writeTo(JsonGenerator g) throws IOException {
            g.writeStringField("f_text", text);
            g.writeNumberField("f_whole", whole);
            g.writeNumberField("f_decimal", decimal);
            g.writeNumberField("f_real", real);
            g.writeBooleanField("f_flag", flag);
        }

        @Override
        public void writeFields(JsonLineWriter line) {
            line.field("f_text", text).field("f_whole", whole).field("f_decimal", decimal).field("f_real", real)
                    .field("f_flag", flag);
        }
    }
}
