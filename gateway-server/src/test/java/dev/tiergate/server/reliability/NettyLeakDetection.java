package dev.tiergate.server.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Runs a test class under Netty's PARANOID leak detector (every buffer tracked) and fails a test
 * after which a leak is reported. Netty reports a leak only when a tracked buffer was garbage
 * collected unreleased and a later allocation polls the queue, so after each test this collects
 * garbage and allocates a few buffers before it looks at what the detector logged.
 */
public final class NettyLeakDetection implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {
    private static final LeakAppender LEAKS = new LeakAppender();

    static {
        System.setProperty("io.netty.leakDetection.level", "paranoid");
        LEAKS.setName("netty-leaks");
        LEAKS.start();
        Logger detector = (Logger) LoggerFactory.getLogger(ResourceLeakDetector.class);
        detector.setLevel(Level.ERROR);
        detector.addAppender(LEAKS);
    }

    private ResourceLeakDetector.Level before;

    @Override
    public void beforeAll(ExtensionContext context) {
        before = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        LEAKS.reports.clear();
    }

    @Override
    public void afterEach(ExtensionContext context) throws InterruptedException {
        assertThat(collectReports()).as("Netty buffer leaks reported during %s", context.getDisplayName()).isEmpty();
    }

    /** Collects garbage, lets the detector poll its queue, and returns (and forgets) the leaks reported so far. */
    static List<String> collectReports() throws InterruptedException {
        for (int round = 0; round < 3; round++) {
            System.gc();
            Thread.sleep(50);
            for (int i = 0; i < 256; i++) {
                ByteBuf probe = ByteBufAllocator.DEFAULT.buffer(16);
                probe.release();
            }
        }
        List<String> reported = List.copyOf(LEAKS.reports);
        LEAKS.reports.clear();
        return reported;
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (before != null) {
            ResourceLeakDetector.setLevel(before);
        }
    }

    /** Keeps every LEAK report Netty logs. */
    private static final class LeakAppender extends AppenderBase<ILoggingEvent> {
        private final List<String> reports = new CopyOnWriteArrayList<>();

        @Override
        protected void append(ILoggingEvent event) {
            if (event.getFormattedMessage().contains("LEAK")) {
                reports.add(event.getFormattedMessage());
            }
        }
    }
}
