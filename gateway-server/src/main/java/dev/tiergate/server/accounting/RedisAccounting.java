package dev.tiergate.server.accounting;

import dev.tiergate.core.config.UsageStoreConfig;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/** One Lettuce connection to Redis and the usage and limit stores on it. */
final class RedisAccounting implements AutoCloseable {
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisUsageStore usage;
    private final RedisLimitStore limits;
    private final String location;

    private RedisAccounting(RedisClient client, StatefulRedisConnection<String, String> connection, String prefix,
                            Path fallback, UsageStoreConfig settings, Clock clock, UsageStoreListener listener,
                            String location) {
        this.client = client;
        this.connection = connection;
        this.location = location;
        this.usage = new RedisUsageStore(connection.async(), prefix, fallback, settings, clock, listener);
        this.limits = new RedisLimitStore(connection.async(), prefix);
    }

    /** Connects at start-up; an unreachable Redis fails the start. */
    static RedisAccounting connect(String url, String prefix, Path fallback, UsageStoreConfig settings, Clock clock,
                                   UsageStoreListener listener) {
        RedisURI uri = RedisURI.create(url);
        RedisClient client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder()
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .build());
        try {
            StatefulRedisConnection<String, String> connection = client.connect();
            return new RedisAccounting(client, connection, prefix, fallback, settings, clock, listener,
                    uri.getHost() + ":" + uri.getPort() + "/" + uri.getDatabase() + " (prefix " + prefix + ")");
        } catch (RuntimeException e) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            throw new IllegalStateException("cannot connect to Redis at " + uri.getHost() + ":" + uri.getPort()
                    + " (redis.url): " + e.getMessage(), e);
        }
    }

    RedisUsageStore usageStore() {
        return usage;
    }

    RedisLimitStore limitStore() {
        return limits;
    }

    String location() {
        return location;
    }

    /** Whether the connection is up now (Lettuce reconnects in the background after an outage). */
    boolean connected() {
        return connection.isOpen();
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
