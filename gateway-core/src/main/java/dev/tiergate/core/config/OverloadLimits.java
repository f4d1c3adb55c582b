package dev.tiergate.core.config;

import java.time.Duration;

/**
 * {@code server:} limits on what all clients together may hold, so that many or hostile clients
 * get {@code 503} with {@code Retry-After} instead of exhausting the process.
 *
 * @param maxInFlight             requests being answered at once (streams until their last byte),
 *                                probes excepted; past it new requests get {@code 503 overloaded}
 * @param maxBufferedRequestBytes request bodies held in memory at once, all connections together
 *                                (0: a quarter of the maximum heap); past it {@code 503 overloaded}
 * @param writeTimeout            how long a connection may leave the gateway unable to write (the
 *                                client reads nothing) before it is closed and its request cancelled
 */
public record OverloadLimits(int maxInFlight, long maxBufferedRequestBytes, Duration writeTimeout) {
    public static final int DEFAULT_MAX_IN_FLIGHT = 4096;
    public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(30);

    public static OverloadLimits defaults() {
        return new OverloadLimits(DEFAULT_MAX_IN_FLIGHT, 0, DEFAULT_WRITE_TIMEOUT);
    }

    /** The buffered-bytes limit in effect: the configured one, or a quarter of the maximum heap. */
    public long effectiveMaxBufferedRequestBytes() {
        return maxBufferedRequestBytes > 0 ? maxBufferedRequestBytes : Runtime.getRuntime().maxMemory() / 4;
    }
}
