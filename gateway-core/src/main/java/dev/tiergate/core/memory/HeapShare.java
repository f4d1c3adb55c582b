package dev.tiergate.core.memory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The most of the heap one in-memory store may fill: a store configured larger than its share of
 * the heap the JVM was started with is capped to it (said once in the log), so that a config written for
 * a large machine cannot exhaust a small heap. Each in-memory store (exact cache, embeddings
 * cache, semantic cache, stored responses) gets a sixteenth of the heap. What the gateway keeps per
 * routed request for a while (the learning router's decision log, the conversations' last tiers) is
 * counted in entries, and a store of those gets a thirty-second of the heap ({@link #entries}). So
 * the stores together hold at most 37.5% of the heap (four sixteenths, two thirty-seconds and the
 * stream recordings' sixteenth) whatever the config says, and the request bodies in flight at most a
 * quarter: with README's 64 MB heap, what stays is ~20 MB of stores beside the gateway's own ~16 MB
 * (tokenizer tables, models, buffers), within the 46 MB old generation. An eighth each, before,
 * left a gateway with every store full at 44–47 MB after each full collection.
 */
public final class HeapShare {
    /** The share of the maximum heap one in-memory cache may hold. */
    public static final double CACHE_SHARE = 1.0 / 16;
    /** The share of the maximum heap one store of per-request records may hold. */
    public static final double RECORD_SHARE = 1.0 / 32;
    private static final Logger log = LoggerFactory.getLogger(HeapShare.class);
    /** What was warned about, so that a setting read again (a reload, a second reader) is not warned twice. */
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private HeapShare() {
    }

    /** {@code configuredMb}, or a sixteenth of a heap of {@code maxHeapBytes} if that is smaller. */
    public static long cacheMegabytes(String what, long configuredMb, long maxHeapBytes) {
        long shareMb = Math.max(1, (long) (maxHeapBytes * CACHE_SHARE) >> 20);
        if (configuredMb <= shareMb) {
            return configuredMb;
        }
        if (WARNED.add(what + ":" + configuredMb + ":" + shareMb)) {
            log.warn("{}: {} MB configured, capped to {} MB (a sixteenth of the {} MB heap); give the JVM a larger -Xmx"
                    + " to keep more", what, configuredMb, shareMb, maxHeapBytes >> 20);
        }
        return shareMb;
    }

    /** {@link #cacheMegabytes(String, long, long)} for this JVM's heap. */
    public static long cacheMegabytes(String what, long configuredMb) {
        return cacheMegabytes(what, configuredMb, Runtime.getRuntime().maxMemory());
    }

    /**
     * {@code configured} entries, or as many of about {@code bytesPerEntry} as fit in a thirty-second
     * of a heap of {@code maxHeapBytes} if that is fewer (never under 100), said once in the log.
     */
    public static int entries(String what, int configured, long bytesPerEntry, long maxHeapBytes) {
        if (bytesPerEntry <= 0) {
            throw new IllegalArgumentException("bytesPerEntry: " + bytesPerEntry + " (expected: > 0)");
        }
        long fit = Math.max(100, (long) (maxHeapBytes * RECORD_SHARE) / bytesPerEntry);
        if (configured <= fit) {
            return configured;
        }
        if (WARNED.add(what + ":" + configured + ":" + fit)) {
            log.info("{}: {} configured, {} kept (about {} bytes each in a thirty-second of the {} MB heap);"
                    + " a larger -Xmx keeps more", what, configured, fit, bytesPerEntry, maxHeapBytes >> 20);
        }
        return (int) fit;
    }

    /** {@link #entries(String, int, long, long)} for this JVM's heap. */
    public static int entries(String what, int configured, long bytesPerEntry) {
        return entries(what, configured, bytesPerEntry, Runtime.getRuntime().maxMemory());
    }
}
