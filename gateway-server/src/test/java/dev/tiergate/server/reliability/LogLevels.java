package dev.tiergate.server.reliability;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** Turns chatty loggers down for the length of a try block (ten thousand access lines say nothing). */
final class LogLevels implements AutoCloseable {
    private final Logger logger;
    private final Level before;

    private LogLevels(Logger logger) {
        this.logger = logger;
        this.before = logger.getLevel();
        logger.setLevel(Level.WARN);
    }

    static LogLevels quiet(String loggerName) {
        return new LogLevels((Logger) LoggerFactory.getLogger(loggerName));
    }

    @Override
    public void close() {
        logger.setLevel(before);
    }
}
