package dev.tiergate.server.testing;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.spi.AppenderAttachable;
import dev.tiergate.server.accounting.RequestLog;
import dev.tiergate.server.logging.AccessLogEncoder;
import dev.tiergate.server.logging.LoggingSetup;
import net.logstash.logback.encoder.LogstashEncoder;

/**
 * The request log's two encoders for tests and benchmarks that compare them: the logstash encoder
 * as LoggingSetup configured the request log's before AccessLogEncoder (the oracle of its bytes),
 * and the encoder LoggingSetup configures now.
 */
public final class AccessLogEncoders {
    private AccessLogEncoders() {
    }

    /** A logstash encoder configured as the request log's was (no context, level value or version), started. */
    public static LogstashEncoder logstash(LoggerContext context) {
        LogstashEncoder encoder = new LogstashEncoder();
        encoder.setContext(context);
        encoder.setIncludeContext(false);
        encoder.getFieldNames().setLevelValue("[ignore]");
        encoder.getFieldNames().setVersion("[ignore]");
        encoder.start();
        return encoder;
    }

    /** The encoder of the request log's ACCESS_JSON appender, after LoggingSetup configured {@code context}. */
    @SuppressWarnings("unchecked")
    public static AccessLogEncoder gateway(LoggerContext context) {
        context.setMDCAdapter(new LogbackMDCAdapter());
        new LoggingSetup().configure(context);
        AppenderAttachable<ILoggingEvent> lingering =
                (AppenderAttachable<ILoggingEvent>) context.getLogger(RequestLog.LOGGER).getAppender("ACCESS_ASYNC");
        return (AccessLogEncoder) ((OutputStreamAppender<ILoggingEvent>) lingering.getAppender("ACCESS_JSON"))
                .getEncoder();
    }
}
