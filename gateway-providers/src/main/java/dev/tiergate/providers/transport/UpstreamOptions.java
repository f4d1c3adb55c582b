package dev.tiergate.providers.transport;

import dev.tiergate.core.config.ProviderConfig;
import java.time.Duration;

/**
 * Transport limits for one provider. {@code maxConnections} bounds the pool of each
 * (event loop, origin) pair; {@code maxBodyBytes} bounds a fully read success body and
 * {@code maxErrorBodyBytes} an error body (longer error bodies are truncated).
 */
public record UpstreamOptions(Duration connectTimeout, Duration readTimeout, int maxConnections,
                              int maxBodyBytes, int maxErrorBodyBytes) {
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(120);
    public static final int DEFAULT_MAX_CONNECTIONS = 64;
    public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;
    public static final int DEFAULT_MAX_ERROR_BODY_BYTES = 64 * 1024;

    public UpstreamOptions {
        connectTimeout = positiveOr(connectTimeout, DEFAULT_CONNECT_TIMEOUT, "connectTimeout");
        readTimeout = positiveOr(readTimeout, DEFAULT_READ_TIMEOUT, "readTimeout");
        if (maxConnections <= 0) {
            throw new IllegalArgumentException("maxConnections: " + maxConnections + " (expected: > 0)");
        }
        if (maxBodyBytes <= 0 || maxErrorBodyBytes <= 0) {
            throw new IllegalArgumentException("maxBodyBytes: " + maxBodyBytes + ", maxErrorBodyBytes: "
                    + maxErrorBodyBytes + " (expected: > 0)");
        }
    }

    public static UpstreamOptions defaults() {
        return new UpstreamOptions(null, null, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_BODY_BYTES,
                DEFAULT_MAX_ERROR_BODY_BYTES);
    }

    /** Timeouts and pool size from the provider's config; unset values take the defaults. */
    public static UpstreamOptions from(ProviderConfig config) {
        int max = config.maxConnections() > 0 ? config.maxConnections() : DEFAULT_MAX_CONNECTIONS;
        return new UpstreamOptions(config.connectTimeout(), config.readTimeout(), max, DEFAULT_MAX_BODY_BYTES,
                DEFAULT_MAX_ERROR_BODY_BYTES);
    }

    public UpstreamOptions withReadTimeout(Duration timeout) {
        return new UpstreamOptions(connectTimeout, timeout, maxConnections, maxBodyBytes, maxErrorBodyBytes);
    }

    private static Duration positiveOr(Duration value, Duration fallback, String name) {
        if (value == null) {
            return fallback;
        }
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
        }
        return value;
    }
}
