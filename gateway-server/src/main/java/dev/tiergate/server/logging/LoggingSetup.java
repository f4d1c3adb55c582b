package dev.tiergate.server.logging;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import net.logstash.logback.encoder.LogstashEncoder;

/**
 * The gateway's logging, set up in code (logback finds it through {@code META-INF/services}), so
 * that no XML parser and configuration interpreter are loaded for it: some 400 classes less in
 * memory. What it sets up:
 * <ul>
 *   <li>every logger: one line per event on stdout, written by a background thread so that event
 *       loops never wait on stdout ({@code AsyncAppender}: every event kept, the queue of 8,192
 *       bounds memory), {@code io.netty} at WARN;</li>
 *   <li>{@code tiergate.access} (one JSON object per request: request id, team, models, tokens,
 *       cost, saving; its level from {@code TIERGATE_ACCESS_LOG}, default INFO) and
 *       {@code tiergate.audit} (one per admin action): JSON on stdout through a
 *       {@link LingeringAsyncAppender} that lets a few milliseconds of lines gather, so that an
 *       event loop does not wake a thread per request, into a {@link BatchingConsoleAppender}
 *       that writes each batch to stdout in one system call; a request's line is encoded by
 *       {@link AccessLogEncoder}, every other line by the logstash encoder.</li>
 * </ul>
 * A file named by {@code -Dlogback.configurationFile}, or a {@code logback-test.xml} on the class
 * path, replaces all of this.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LoggingSetup extends ContextAwareBase implements Configurator {
    static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{24} - %msg%n";
    static final int QUEUE_SIZE = 8192;
    static final int LINGER_MILLIS = 5;
    static final String ACCESS_LEVEL = "TIERGATE_ACCESS_LOG";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null
                || LoggingSetup.class.getClassLoader().getResource("logback-test.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        Appender<ILoggingEvent> lines = lineAppender(context);
        Appender<ILoggingEvent> json = jsonAppender(context);

        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(lines);
        context.getLogger("io.netty").setLevel(Level.WARN);
        attach(context.getLogger("tiergate.access"), Level.toLevel(accessLevel(), Level.INFO), json);
        attach(context.getLogger("tiergate.audit"), Level.INFO, json);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    private static String accessLevel() {
        String level = System.getProperty(ACCESS_LEVEL);
        return level != null ? level : System.getenv(ACCESS_LEVEL);
    }

    private static void attach(Logger logger, Level level, Appender<ILoggingEvent> appender) {
        logger.setLevel(level);
        logger.setAdditive(false);
        logger.addAppender(appender);
    }

    private static Appender<ILoggingEvent> lineAppender(LoggerContext context) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> console = started(new ConsoleAppender<>(), context, "STDOUT", encoder);
        AsyncAppender async = new AsyncAppender();
        async.setContext(context);
        async.setName("ASYNC");
        async.setQueueSize(QUEUE_SIZE);
        async.setDiscardingThreshold(0);
        async.addAppender(console);
        async.start();
        return async;
    }

    private static Appender<ILoggingEvent> jsonAppender(LoggerContext context) {
        LogstashEncoder logstash = new LogstashEncoder();
        logstash.setIncludeContext(false);
        logstash.getFieldNames().setLevelValue("[ignore]");
        logstash.getFieldNames().setVersion("[ignore]");
        AccessLogEncoder encoder = new AccessLogEncoder(logstash);
        encoder.setContext(context);
        encoder.start();
        BatchingConsoleAppender<ILoggingEvent> console =
                started(new BatchingConsoleAppender<>(), context, "ACCESS_JSON", encoder);
        LingeringAsyncAppender lingering = new LingeringAsyncAppender();
        lingering.setContext(context);
        lingering.setName("ACCESS_ASYNC");
        lingering.setQueueSize(QUEUE_SIZE);
        lingering.setLingerMillis(LINGER_MILLIS);
        lingering.addAppender(console);
        lingering.start();
        return lingering;
    }

    /** {@code appender}, named and given its encoder, started. */
    private static <A extends OutputStreamAppender<ILoggingEvent>> A started(
            A appender, LoggerContext context, String name, ch.qos.logback.core.encoder.Encoder<ILoggingEvent> encoder) {
        appender.setContext(context);
        appender.setName(name);
        appender.setEncoder(encoder);
        appender.start();
        return appender;
    }
}
