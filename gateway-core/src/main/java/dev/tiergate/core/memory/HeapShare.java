package dev.tiergate.core.memory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The most of the heap one in-memory store may fill: a store configured larger than its share of
 * the heap the JVM was started with is capped to it (with a warning), so that a config written for
 * a large machine cannot exhaust a small heap. Each in-memory store (exact cache, embeddings
 * cache, semantic cache, stored responses) gets an eighth of the heap: with the request-body budget
 * (a quarter) and the stream recordings (a sixteenth), what the gateway keeps stays under 82% of
 * the heap whatever the config says.
 */
public final class HeapShare {
    /** The share of the maximum heap one in-memory cache may hold. */
    public static final double CACHE_SHARE = 0.125;
    private static final Logger log = LoggerFactory.getLogger(HeapShare.class);
    /** What was warned about, so that a setting read again (a reload, a second reader) is not warned twice. */
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private HeapShare() {
    }

    /** {@code configuredMb}, or an eighth of a heap of {@code maxHeapBytes} if that is smaller. */
    public static long cacheMegabytes(String what, long configuredMb, long maxHeapBytes) {
        long shareMb = Math.max(1, (long) (maxHeapBytes * CACHE_SHARE) >> 20);
        if (configuredMb <= shareMb) {
            return configuredMb;
        }
        if (WARNED.add(what + ":" + configuredMb + ":" + shareMb)) {
            log.warn("{}: {} MB configured, capped to {} MB (an eighth of the {} MB heap); give the JVM a larger -Xmx"
                    + " to keep more", what, configuredMb, shareMb, maxHeapBytes >> 20);
        }
        return shareMb;
    }

    /** {@link #cacheMegabytes(String, long, long)} for this JVM's heap. */
    public static long cacheMegabytes(String what, long configuredMb) {
        return cacheMegabytes(what, configuredMb, Runtime.getRuntime().maxMemory());
    }
}
