package dev.tiergate.core.provider;

import java.util.Map;

/**
 * Headers an upstream request carries for the gateway's own sake, not the provider's (a W3C
 * {@code traceparent} naming the attempt's span): set by the dispatcher for the time one attempt
 * is started on its thread, read by the transport when it builds that attempt's HTTP request. An
 * adapter builds its request while the attempt starts (a stream on subscription, which the
 * dispatcher makes at once), so no thread-local outlives its attempt.
 */
public final class PropagatedHeaders {
    private static final ThreadLocal<Map<String, String>> CURRENT = new ThreadLocal<>();

    private PropagatedHeaders() {
    }

    /** Runs {@code start} with {@code headers} current on this thread (none when empty). */
    public static void during(Map<String, String> headers, Runnable start) {
        if (headers.isEmpty()) {
            start.run();
            return;
        }
        Map<String, String> outer = CURRENT.get();
        CURRENT.set(headers);
        try {
            start.run();
        } finally {
            if (outer == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(outer);
            }
        }
    }

    /** The headers of the attempt starting on this thread; empty when none. */
    public static Map<String, String> current() {
        Map<String, String> headers = CURRENT.get();
        return headers == null ? Map.of() : headers;
    }
}
