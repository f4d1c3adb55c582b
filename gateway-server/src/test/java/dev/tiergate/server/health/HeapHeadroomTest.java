package dev.tiergate.server.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** {@code /readyz} fails above the configured share of the heap after GC, with a fake reading. */
class HeapHeadroomTest {
    private final AtomicReference<Double> usedAfterGc = new AtomicReference<>(0.5);

    @Test
    void notReadyAboveTheLimitAndReadyAgainBelowIt() {
        Readiness heap = HeapHeadroom.of(90, usedAfterGc::get);
        assertThat(heap.notReadyReason()).isNull();
        usedAfterGc.set(0.9);
        assertThat(heap.notReadyReason()).as("at the limit").isNull();
        usedAfterGc.set(0.934);
        assertThat(heap.notReadyReason())
                .isEqualTo("heap 93% full after the last garbage collection (ready-max-heap-percent: 90)");
        usedAfterGc.set(0.6);
        assertThat(heap.notReadyReason()).isNull();
        usedAfterGc.set(Double.NaN);
        assertThat(heap.notReadyReason()).as("no reading").isNull();
    }

    @Test
    void eachChangeIsLoggedOnce() {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        Logger logger = (Logger) LoggerFactory.getLogger(HeapHeadroom.class);
        logger.addAppender(log);
        try {
            Readiness heap = HeapHeadroom.of(80, usedAfterGc::get);
            usedAfterGc.set(0.95);
            heap.notReadyReason();
            heap.notReadyReason();
            usedAfterGc.set(0.5);
            heap.notReadyReason();
            heap.notReadyReason();
        } finally {
            logger.detachAppender(log);
        }
        assertThat(log.list).extracting(ILoggingEvent::getLevel).containsExactly(Level.WARN, Level.INFO);
        assertThat(log.list.getFirst().getFormattedMessage()).startsWith("not ready: heap 95% full");
    }

    @Test
    void zeroTurnsTheCheckOffAndOtherValuesAreRefused() {
        usedAfterGc.set(1.0);
        assertThat(HeapHeadroom.of(0, usedAfterGc::get).notReadyReason()).isNull();
        assertThatThrownBy(() -> HeapHeadroom.of(101, usedAfterGc::get))
                .hasMessage("maxPercent: 101 (expected: 0 to 100)");
    }

    @Test
    void theJvmsPoolsGiveAShareOfTheHeap() {
        System.gc();
        assertThat(HeapReading.fromMemoryPools().usedAfterGc()).isBetween(0.0, 1.0);
    }
}
