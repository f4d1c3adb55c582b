package dev.tiergate.server.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.read.ListAppender;
import dev.tiergate.server.accounting.RequestLog;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Every event reaches the attached appender, in order, as it was when logged; stop writes the rest. */
class LingeringAsyncAppenderTest {
    private final LoggerContext context = new LoggerContext();
    private final Logger logger = context.getLogger("test");
    private final ListAppender<ILoggingEvent> written = new ListAppender<>();

    private LingeringAsyncAppender appender(int queueSize, int lingerMillis) {
        context.setMDCAdapter(new LogbackMDCAdapter());
        written.setContext(context);
        written.start();
        LingeringAsyncAppender appender = new LingeringAsyncAppender();
        appender.setContext(context);
        appender.setName("TEST");
        appender.setQueueSize(queueSize);
        appender.setLingerMillis(lingerMillis);
        appender.addAppender(written);
        appender.start();
        return appender;
    }

    private LoggingEvent event(int n) {
        return new LoggingEvent("fqcn", logger, Level.INFO, "line {}", null, new Object[] {n});
    }

    @Test
    void everyEventIsWrittenInOrderEvenThroughASmallQueueAndStopWritesWhatIsQueued() {
        LingeringAsyncAppender appender = appender(4, 20);
        for (int n = 0; n < 2_000; n++) {
            appender.doAppend(event(n));   // a full queue makes this wait, never drops
        }
        appender.stop();
        assertThat(written.list).extracting(ILoggingEvent::getFormattedMessage)
                .containsExactlyElementsOf(IntStream.range(0, 2_000).mapToObj(n -> "line " + n).toList());
        assertThat(written.list).extracting(ILoggingEvent::getThreadName).containsOnly(Thread.currentThread().getName());
        assertThat(written.isStarted()).as("the attached appender is stopped with it").isFalse();
    }

    @Test
    void eventsFromSeveralThreadsAreAllWrittenEachThreadsInItsOrder() throws InterruptedException {
        LingeringAsyncAppender appender = appender(16, 1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int thread = t;
            threads.add(Thread.ofPlatform().name("logger-" + t).start(() -> {
                for (int n = 0; n < 500; n++) {
                    appender.doAppend(event(thread * 1_000 + n));
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        appender.stop();
        assertThat(written.list).hasSize(2_000);
        for (int t = 0; t < 4; t++) {
            String name = "logger-" + t;
            int first = t * 1_000;
            assertThat(written.list.stream().filter(e -> e.getThreadName().equals(name))
                    .map(ILoggingEvent::getFormattedMessage).toList())
                    .containsExactlyElementsOf(IntStream.range(first, first + 500).mapToObj(n -> "line " + n).toList());
        }
    }

    @Test
    void anInterruptedLoggingThreadStillQueuesItsEventAndKeepsItsInterrupt() {
        LingeringAsyncAppender appender = appender(8, 1);
        Thread.currentThread().interrupt();
        appender.doAppend(event(1));
        assertThat(Thread.interrupted()).as("the interrupt is kept").isTrue();
        appender.stop();
        assertThat(written.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly("line 1");
    }

    @Test
    void doesNotStartWithoutAnAttachedAppender() {
        LingeringAsyncAppender appender = new LingeringAsyncAppender();
        appender.setContext(context);
        appender.setName("EMPTY");
        appender.start();
        assertThat(appender.isStarted()).isFalse();
    }

    @Test
    void theRequestLogIsWrittenThroughItAsLogbackXmlSays() {
        Logger access = (Logger) LoggerFactory.getLogger(RequestLog.LOGGER);
        assertThat(access.getAppender("ACCESS_ASYNC")).isInstanceOfSatisfying(LingeringAsyncAppender.class, a -> {
            assertThat(a.isStarted()).isTrue();
            assertThat(a.getAppender("ACCESS_JSON")).isNotNull();
        });
    }
}
