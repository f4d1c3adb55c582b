package dev.tiergate.server.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Lines wait until a flush, then reach stdout whole, in order, one write per batch. */
class BatchingConsoleAppenderTest {
    private final LoggerContext context = new LoggerContext();
    private final Logger logger = context.getLogger("test");
    private final PrintStream stdout = System.out;
    /** Each write that reached the replaced stdout, as text. */
    private final List<String> writes = new ArrayList<>();

    @BeforeEach
    void captureStdout() {
        context.setMDCAdapter(new LogbackMDCAdapter());
        System.setOut(new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                writes.add(String.valueOf((char) b));
            }

            @Override
            public void write(byte[] b, int off, int len) {
                writes.add(new String(b, off, len, StandardCharsets.UTF_8));
            }
        }, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreStdout() {
        System.setOut(stdout);
        context.stop();
    }

    private BatchingConsoleAppender<ILoggingEvent> appender(int capacity) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%msg%n");
        encoder.start();
        BatchingConsoleAppender<ILoggingEvent> appender = new BatchingConsoleAppender<>();
        appender.setContext(context);
        appender.setName("TEST");
        appender.setEncoder(encoder);
        appender.setCapacity(capacity);
        appender.start();
        return appender;
    }

    private LoggingEvent event(String message) {
        return new LoggingEvent("fqcn", logger, Level.INFO, message, null, null);
    }

    @Test
    void linesWaitForTheFlushThenGoOutInOneWrite() {
        BatchingConsoleAppender<ILoggingEvent> appender = appender(BatchingConsoleAppender.DEFAULT_CAPACITY);
        for (int n = 0; n < 100; n++) {
            appender.doAppend(event("line " + n));
        }
        assertThat(writes).isEmpty();

        appender.flush();

        StringBuilder expected = new StringBuilder();
        for (int n = 0; n < 100; n++) {
            expected.append("line ").append(n).append(System.lineSeparator());
        }
        assertThat(writes).containsExactly(expected.toString());
        appender.flush();
        assertThat(writes).hasSize(1);
    }

    @Test
    void aLineThatWouldNotFitWritesTheOthersFirstAndNoLineIsSplit() {
        BatchingConsoleAppender<ILoggingEvent> appender = appender(32);
        String nl = System.lineSeparator();
        appender.doAppend(event("0123456789"));
        appender.doAppend(event("abcdefghij"));
        appender.doAppend(event("ABCDEFGHIJ"));   // 33 bytes or more with the two before: they go out first
        appender.doAppend(event("x".repeat(100)));   // longer than the capacity on its own
        appender.doAppend(event("after"));
        appender.flush();

        assertThat(writes).containsExactly(
                "0123456789" + nl + "abcdefghij" + nl,
                "ABCDEFGHIJ" + nl,
                "x".repeat(100) + nl,
                "after" + nl);
    }

    @Test
    void stopWritesWhatIsLeft() {
        BatchingConsoleAppender<ILoggingEvent> appender = appender(BatchingConsoleAppender.DEFAULT_CAPACITY);
        appender.doAppend(event("last words"));
        appender.stop();
        assertThat(String.join("", writes)).isEqualTo("last words" + System.lineSeparator());
        assertThat(System.out.checkError()).as("stdout stays open").isFalse();
    }

    @Test
    void behindTheLingeringAppenderEachBatchIsOneWrite() {
        BatchingConsoleAppender<ILoggingEvent> console = appender(BatchingConsoleAppender.DEFAULT_CAPACITY);
        LingeringAsyncAppender lingering = new LingeringAsyncAppender();
        lingering.setContext(context);
        lingering.setName("LINGER");
        lingering.setQueueSize(8192);
        lingering.setLingerMillis(1_000);   // the first event is handed on alone, the rest gather in the linger
        lingering.addAppender(console);
        lingering.start();
        for (int n = 0; n < 500; n++) {
            lingering.doAppend(event("request " + n));
        }
        lingering.stop();

        String all = String.join("", writes);
        assertThat(all.split(System.lineSeparator())).hasSize(500).startsWith("request 0").endsWith("request 499");
        assertThat(writes).as("a write per batch, not per line").hasSizeLessThanOrEqualTo(3);
        assertThat(writes).allSatisfy(write -> assertThat(write).endsWith(System.lineSeparator()));
    }

    @Test
    void refusesACapacityBelowOne() {
        BatchingConsoleAppender<ILoggingEvent> appender = new BatchingConsoleAppender<>();
        appender.setContext(context);
        appender.setCapacity(0);
        appender.start();
        assertThat(appender.isStarted()).isFalse();
    }
}
