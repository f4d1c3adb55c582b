package dev.tiergate.core.config;

import java.time.Duration;

/**
 * {@code server:} in gateway.yaml. {@code ioThreads} 0 means one event loop per core.
 * {@code requestTimeout} bounds a whole non-streamed request and the wait for a stream's first chunk.
 * {@code requestReadTimeout} bounds the arrival of one request, head and body (slow clients are cut off).
 * {@code shutdownGrace} is how long a stopping gateway lets in-flight requests and streams finish.
 * {@code managementHost} and {@code managementPort} are where {@code /metrics}, {@code /admin/*} and the
 * probes are served apart from the API ({@link #MANAGEMENT_OFF}: nowhere). {@code readyMaxHeapPercent}
 * is the share of the heap still used after a garbage collection from which {@code /readyz} fails
 * (0: never). {@code authFailuresPerMinute} is how many failed authentications one address may make
 * in a minute before its requests are refused until the minute is over (0: no limit).
 * {@code overload} bounds what all clients together may hold: requests in flight, request bytes
 * buffered, and how long a client may leave answers unread.
 */
public record ServerConfig(
        String host,
        int port,
        int maxRequestBytes,
        Duration idleTimeout,
        Duration requestTimeout,
        int ioThreads,
        Duration requestReadTimeout,
        Duration shutdownGrace,
        String managementHost,
        int managementPort,
        int readyMaxHeapPercent,
        int authFailuresPerMinute,
        OverloadLimits overload) {

    public static final int DEFAULT_PORT = 8080;
    /** The management port by default: the port Prometheus exporters of OpenTelemetry use. */
    public static final int DEFAULT_MANAGEMENT_PORT = 9464;
    /** A {@code managementPort} that serves no management port. */
    public static final int MANAGEMENT_OFF = -1;

    public static ServerConfig defaults() {
        return new ServerConfig("0.0.0.0", DEFAULT_PORT, 4 * 1024 * 1024, Duration.ofSeconds(120),
                Duration.ofSeconds(300), 0, Duration.ofSeconds(30), Duration.ofSeconds(30), "127.0.0.1",
                DEFAULT_MANAGEMENT_PORT, 90, 10, OverloadLimits.defaults());
    }

    public boolean managementEnabled() {
        return managementPort != MANAGEMENT_OFF;
    }

    public ServerConfig withPort(int newPort) {
        return new ServerConfig(host, newPort, maxRequestBytes, idleTimeout, requestTimeout, ioThreads,
                requestReadTimeout, shutdownGrace, managementHost, managementPort, readyMaxHeapPercent,
                authFailuresPerMinute, overload);
    }

    /** This config with another management port: 0 picks a free one, {@link #MANAGEMENT_OFF} serves none. */
    public ServerConfig withManagementPort(int newPort) {
        return new ServerConfig(host, port, maxRequestBytes, idleTimeout, requestTimeout, ioThreads,
                requestReadTimeout, shutdownGrace, managementHost, newPort, readyMaxHeapPercent,
                authFailuresPerMinute, overload);
    }
}
