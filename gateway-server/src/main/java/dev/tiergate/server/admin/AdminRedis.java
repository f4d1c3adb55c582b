package dev.tiergate.server.admin;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;

/**
 * The Redis connections of the admin API (virtual keys, audit entries): one for commands, one for
 * the change messages replicas subscribe to. Commands block; they run on the admin thread, at
 * start-up and in the background refresh, never on an event loop.
 */
public final class AdminRedis implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final String prefix;
    private final RedisURI uri;

    private AdminRedis(RedisClient client, RedisURI uri, StatefulRedisConnection<String, String> connection,
                       String prefix) {
        this.client = client;
        this.uri = uri;
        this.connection = connection;
        this.prefix = prefix;
    }

    /** Connects now to {@code url}; every key starts with {@code prefix}. Unreachable: fails. */
    public static AdminRedis connect(String url, String prefix) {
        RedisURI uri = RedisURI.create(url);
        uri.setTimeout(TIMEOUT);
        RedisClient client = RedisClient.create();
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(TIMEOUT))
                .socketOptions(SocketOptions.builder().connectTimeout(TIMEOUT).build())
                .build());
        try {
            return new AdminRedis(client, uri, client.connect(uri), prefix);
        } catch (RuntimeException e) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            throw e;
        }
    }

    RedisCommands<String, String> commands() {
        return connection.sync();
    }

    /** A new connection for subscriptions (closed with this). */
    StatefulRedisPubSubConnection<String, String> subscriber() {
        return client.connectPubSub(uri);
    }

    String key(String name) {
        return prefix + name;
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
