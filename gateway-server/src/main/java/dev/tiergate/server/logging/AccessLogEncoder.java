package dev.tiergate.server.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.EncoderBase;
import dev.tiergate.core.json.JsonLineWriter;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import net.logstash.logback.argument.StructuredArgument;
import net.logstash.logback.encoder.LogstashEncoder;
import org.slf4j.Marker;

/**
 * The request log's encoder: the line of a request ({@link JsonLineFields}, the one marker of the
 * event) written by the gateway, field by field into one reused buffer, as the logstash encoder
 * LoggingSetup configures would write it ({@code @timestamp}, {@code message}, {@code logger_name},
 * {@code thread_name}, {@code level}, then the marker's fields; byte for byte, AccessLogEncoderTest);
 * every other event (audit lines, events with an MDC, key-value pairs, structured arguments or a
 * throwable) goes to that logstash encoder. The logstash encoder's generator, serializer lookups and
 * field-name indirections cost more than the line itself, and the request log writes a line per
 * request.
 */
public final class AccessLogEncoder extends EncoderBase<ILoggingEvent> {
    private final LogstashEncoder logstash;
    private final ThreadLocal<Buffers> buffers;

    /** {@code logstash}: the encoder for other events, and whose line this one writes (configured, not started). */
    public AccessLogEncoder(LogstashEncoder logstash) {
        this.logstash = logstash;
        ZoneId zone = ZoneId.systemDefault();
        this.buffers = ThreadLocal.withInitial(() -> new Buffers(new JsonLineWriter(1024), new IsoOffsetTimestamps(zone)));
    }

    private record Buffers(JsonLineWriter line, IsoOffsetTimestamps timestamps) {
    }

    @Override
    public void start() {
        logstash.setContext(getContext());
        logstash.start();
        super.start();
    }

    @Override
    public void stop() {
        logstash.stop();
        super.stop();
    }

    @Override
    public byte[] headerBytes() {
        return logstash.headerBytes();
    }

    @Override
    public byte[] footerBytes() {
        return logstash.footerBytes();
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        JsonLineFields fields = ownFields(event);
        if (fields == null) {
            return logstash.encode(event);
        }
        Buffers b = buffers.get();
        JsonLineWriter line = b.line().reset();
        line.startObject()
                .field("@timestamp", b.timestamps().format(event.getInstant()))
                .field("message", event.getFormattedMessage())
                .field("logger_name", event.getLoggerName())
                .field("thread_name", event.getThreadName())
                .field("level", event.getLevel().toString());
        fields.writeFields(line);
        line.endObject().raw((byte) '\n');
        return line.toByteArray();
    }

    /** The event's line fields when this encoder writes the event itself, else null. */
    private static JsonLineFields ownFields(ILoggingEvent event) {
        List<Marker> markers = event.getMarkerList();
        if (markers == null || markers.size() != 1 || !(markers.get(0) instanceof JsonLineFields fields)
                || markers.get(0).hasReferences() || event.getThrowableProxy() != null) {
            return null;
        }
        Map<String, String> mdc = event.getMDCPropertyMap();
        if (mdc != null && !mdc.isEmpty() || event.getKeyValuePairs() != null && !event.getKeyValuePairs().isEmpty()) {
            return null;
        }
        Object[] arguments = event.getArgumentArray();
        if (arguments != null) {
            for (Object argument : arguments) {
                if (argument instanceof StructuredArgument) {
                    return null;
                }
            }
        }
        return fields;
    }
}
