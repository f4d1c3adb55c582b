package dev.tiergate.server.reliability;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.slf4j.LoggerFactory;

/**
 * What the process logs (through the root logger) while it is open, with some loggers turned up to
 * DEBUG, and a wait for an event to arrive instead of a sleep.
 */
final class CapturedLog extends AppenderBase<ILoggingEvent> implements AutoCloseable {
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Map<Logger, Level> levels = new LinkedHashMap<>();
    private final List<ILoggingEvent> events = new ArrayList<>();

    private CapturedLog(String... debugLoggers) {
        for (String name : debugLoggers) {
            Logger logger = (Logger) LoggerFactory.getLogger(name);
            levels.put(logger, logger.getLevel());
            logger.setLevel(Level.DEBUG);
        }
        setContext(root.getLoggerContext());
        start();
        root.addAppender(this);
    }

    /** Captures from now on, with {@code debugLoggers} at DEBUG until {@link #close}. */
    static CapturedLog open(String... debugLoggers) {
        return new CapturedLog(debugLoggers);
    }

    @Override
    protected synchronized void append(ILoggingEvent event) {
        events.add(event);
        notifyAll();
    }

    /** The first event that matches, waiting up to {@code timeout} for it. */
    synchronized ILoggingEvent await(Predicate<ILoggingEvent> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (ILoggingEvent event : events) {
                if (match.test(event)) {
                    return event;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no such log event within " + timeout + " among " + lines());
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    synchronized List<ILoggingEvent> events() {
        return List.copyOf(events);
    }

    private List<String> lines() {
        return events.stream().map(e -> e.getLevel() + " " + e.getLoggerName() + " " + e.getFormattedMessage()).toList();
    }

    @Override
    public void close() {
        root.detachAppender(this);
        stop();
        levels.forEach(Logger::setLevel);
    }
}
