package dev.tiergate.core.logging;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;

/**
 * Warnings that may repeat on every request (a store that is down) logged at most once per
 * interval and topic, with how many were suppressed since the last one.
 */
public final class RateLimitedWarnings {
    private final Logger log;
    private final long intervalNanos;
    private final ConcurrentMap<String, Topic> topics = new ConcurrentHashMap<>();

    private static final class Topic {
        final AtomicLong last;
        final LongAdder suppressed = new LongAdder();

        Topic(long last) {
            this.last = new AtomicLong(last);
        }
    }

    public RateLimitedWarnings(Logger log, Duration interval) {
        this.log = log;
        this.intervalNanos = interval.toNanos();
    }

    /** Logs {@code message} (SLF4J format) under {@code topic} unless one was logged within the interval. */
    public void warn(String topic, String message, Object... args) {
        long now = System.nanoTime();
        Topic t = topics.computeIfAbsent(topic, k -> new Topic(now - intervalNanos));
        long last = t.last.get();
        if (now - last >= intervalNanos && t.last.compareAndSet(last, now)) {
            long suppressed = t.suppressed.sumThenReset();
            log.warn(suppressed == 0 ? message : message + " (" + suppressed + " similar warnings suppressed)", args);
        } else {
            t.suppressed.increment();
        }
    }
}
