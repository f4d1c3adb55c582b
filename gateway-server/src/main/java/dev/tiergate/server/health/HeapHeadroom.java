package dev.tiergate.server.health;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Not ready while the heap, after garbage collection, is fuller than {@code server.ready-max-heap-percent}:
 * the load balancer sends new traffic elsewhere before this replica runs out of memory, and it
 * comes back once collections free enough. The change each way is logged once.
 */
public final class HeapHeadroom implements Readiness {
    private static final Logger log = LoggerFactory.getLogger(HeapHeadroom.class);

    private final int maxPercent;
    private final HeapReading reading;
    private final AtomicBoolean full = new AtomicBoolean();

    private HeapHeadroom(int maxPercent, HeapReading reading) {
        this.maxPercent = maxPercent;
        this.reading = requireNonNull(reading, "reading");
    }

    /** Not ready above {@code maxPercent} (1 to 100) of the heap after GC; 0: always ready. */
    public static Readiness of(int maxPercent, HeapReading reading) {
        if (maxPercent < 0 || maxPercent > 100) {
            throw new IllegalArgumentException("maxPercent: " + maxPercent + " (expected: 0 to 100)");
        }
        return maxPercent == 0 ? READY : new HeapHeadroom(maxPercent, reading);
    }

    @Override
    public String notReadyReason() {
        double used = reading.usedAfterGc();
        boolean over = !Double.isNaN(used) && used * 100 > maxPercent;
        String reason = over ? "heap %d%% full after the last garbage collection (ready-max-heap-percent: %d)"
                .formatted((int) Math.floor(used * 100), maxPercent) : null;
        if (full.compareAndSet(!over, over)) {
            if (over) {
                log.warn("not ready: {}", reason);
            } else {
                log.info("ready again: heap {}% full after the last garbage collection", (int) Math.floor(used * 100));
            }
        }
        return reason;
    }
}
