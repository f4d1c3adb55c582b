package dev.tiergate.core.config;

import java.time.Duration;

/**
 * {@code server:} in gateway.yaml. {@code ioThreads} 0 means one event loop per core.
 * {@code requestTimeout} bounds a whole non-streamed request and the wait for a stream's first chunk.
 * {@code requestReadTimeout} bounds the arrival of one request, head and body (slow clients are cut off).
 * {@code shutdownGrace} is how long a stopping gateway lets in-flight requests and streams finish.
 */
public record ServerConfig(
        String host,
        int port,
        int maxRequestBytes,
        Duration idleTimeout,
        Duration requestTimeout,
        int ioThreads,
        Duration requestReadTimeout,
        Duration shutdownGrace) {

    public static final int DEFAULT_PORT = 8080;

    public static ServerConfig defaults() {
        return new ServerConfig("0.0.0.0", DEFAULT_PORT, 4 * 1024 * 1024, Duration.ofSeconds(120),
                Duration.ofSeconds(300), 0, Duration.ofSeconds(30), Duration.ofSeconds(30));
    }

    public ServerConfig withPort(int newPort) {
        return new ServerConfig(host, newPort, maxRequestBytes, idleTimeout, requestTimeout, ioThreads, requestReadTimeout, shutdownGrace);
    }
}
