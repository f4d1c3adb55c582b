package dev.tiergate.server.fatal;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** One log line and one exit for an out-of-memory error, however it is wrapped; anything else is only logged. */
class ExitOnOutOfMemoryTest {
    private final RecordingExit exit = new RecordingExit();
    private final ExitOnOutOfMemory handler = new ExitOnOutOfMemory(exit);
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(ExitOnOutOfMemory.class);

    @BeforeEach
    void capture() {
        log.start();
        logger.addAppender(log);
    }

    @AfterEach
    void release() {
        logger.detachAppender(log);
    }

    @Test
    void anOutOfMemoryErrorExitsOnceWithOneLine() throws Exception {
        Thread thread = new Thread(() -> { }, "tiergate-io-1-2");
        handler.uncaughtException(thread, new CompletionException(new OutOfMemoryError("Direct buffer memory")));
        handler.uncaughtException(thread, new OutOfMemoryError("Java heap space"));

        assertThat(exit.awaitStatus(1)).isEqualTo(ExitOnOutOfMemory.EXIT_STATUS).isEqualTo(3);
        assertThat(exit.calls()).isOne();
        assertThat(log.list).singleElement().satisfies(event -> {
            assertThat(event.getLevel()).isEqualTo(Level.ERROR);
            assertThat(event.getFormattedMessage()).isEqualTo("out of memory in thread tiergate-io-1-2 "
                    + "(Direct buffer memory): exiting with status 3 so that the process is restarted");
            assertThat(event.getThrowableProxy()).as("no stack trace").isNull();
        });
    }

    @Test
    void anyOtherUncaughtExceptionIsLoggedAndTheProcessGoesOn() {
        handler.uncaughtException(new Thread(() -> { }, "worker"), new IllegalStateException("bug"));
        assertThat(exit.calls()).isZero();
        assertThat(log.list).singleElement().satisfies(event -> {
            assertThat(event.getLevel()).isEqualTo(Level.ERROR);
            assertThat(event.getFormattedMessage()).contains("worker");
            assertThat(event.getThrowableProxy().getMessage()).isEqualTo("bug");
        });
    }
}
