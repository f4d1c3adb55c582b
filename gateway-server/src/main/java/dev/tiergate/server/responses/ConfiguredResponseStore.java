package dev.tiergate.server.responses;

import dev.tiergate.cache.semantic.sealing.CacheKeyFile;
import dev.tiergate.core.config.GatewayConfig;
import dev.tiergate.core.config.ResponsesConfig;
import dev.tiergate.core.memory.HeapShare;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The response store {@code responses.*} names, and what it holds open: in memory, or in the Redis
 * of {@code redis.url} on a connection of its own (keys under {@code redis.key-prefix} +
 * {@code responses:}), sealed with {@code responses.encryption-key} or the key generated into
 * {@code responses.key-file}. An unreachable Redis fails the start, as for limits and usage.
 */
public final class ConfiguredResponseStore implements AutoCloseable {
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);

    private final ResponseStore store;
    private final RedisClient client;
    private final StatefulRedisConnection<String, byte[]> connection;
    private final String description;

    private ConfiguredResponseStore(ResponseStore store, RedisClient client,
                                    StatefulRedisConnection<String, byte[]> connection, String description) {
        this.store = store;
        this.client = client;
        this.connection = connection;
        this.description = description;
    }

    public static ConfiguredResponseStore open(GatewayConfig config, Clock clock) {
        ResponsesConfig c = config.responses();
        if (c.store() == ResponsesConfig.Store.MEMORY) {
            long megabytes = HeapShare.cacheMegabytes("responses.max-size-mb", Math.max(1, c.maxSizeBytes() >> 20));
            return new ConfiguredResponseStore(new InMemoryResponseStore(c.ttl(), megabytes << 20, clock), null, null,
                    "in memory (ttl " + c.ttl().toSeconds() + "s, at most " + megabytes + " MiB)");
        }
        SecretKey key = key(config);
        RedisURI uri = RedisURI.create(config.accounting().redisUrl());
        RedisClient client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder().timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT)).build());
        String prefix = config.accounting().redisKeyPrefix() + "responses:";
        try {
            StatefulRedisConnection<String, byte[]> connection =
                    client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
            return new ConfiguredResponseStore(
                    new RedisResponseStore(connection.async(), prefix, c.ttl(), c.maxEntryBytes(), key), client,
                    connection, "in Redis at " + uri.getHost() + ":" + uri.getPort() + "/" + uri.getDatabase()
                    + " (prefix " + prefix + ", ttl " + c.ttl().toSeconds() + "s, sealed with AES-GCM)");
        } catch (RuntimeException e) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            throw new IllegalStateException("cannot connect to Redis at " + uri.getHost() + ":" + uri.getPort()
                    + " (redis.url, for responses.store: redis): " + e.getMessage(), e);
        }
    }

    /** {@code responses.encryption-key}, else the key in {@code responses.key-file} (generated on first use, 0600). */
    static SecretKey key(GatewayConfig config) {
        ResponsesConfig c = config.responses();
        if (c.encryptionKeyBase64() != null) {
            return new SecretKeySpec(Base64.getDecoder().decode(c.encryptionKeyBase64().strip()), "AES");
        }
        return CacheKeyFile.loadOrCreate(keyFile(config));
    }

    /** {@code responses.key-file}, or {@value ResponsesConfig#KEY_FILE_NAME} beside the usage file. */
    static Path keyFile(GatewayConfig config) {
        String configured = config.responses().keyFile();
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        return Path.of(config.accounting().usageFile()).toAbsolutePath().resolveSibling(ResponsesConfig.KEY_FILE_NAME);
    }

    public ResponseStore store() {
        return store;
    }

    /** Where responses are kept, for the start-up log. */
    public String description() {
        return description;
    }

    @Override
    public void close() {
        if (connection != null) {
            connection.close();
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
