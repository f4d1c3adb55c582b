package dev.tiergate.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.core.json.Json;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Virtual keys in Redis, shared by the replicas of one key prefix: a hash {@code P virtual-keys}
 * (id to the key's JSON, its hash but never its secret). Each replica holds them in memory for its
 * requests; a change is written to the hash and published on {@code P virtual-keys:changes} with
 * the change itself, which every replica applies as it arrives (within milliseconds), and each
 * replica reads the whole hash again every {@link #REFRESH} in case it missed a message (a broken
 * connection).
 */
public final class RedisVirtualKeyStore extends IndexedKeyStore {
    static final Duration REFRESH = Duration.ofSeconds(10);
    private static final Logger log = LoggerFactory.getLogger(RedisVirtualKeyStore.class);

    private final AdminRedis redis;
    private final String hash;
    private final String channel;
    private final StatefulRedisPubSubConnection<String, String> subscriber;
    /** Changes applied from messages (and this replica's own writes), so a refresh never undoes a newer one. */
    private final java.util.concurrent.atomic.AtomicLong changes = new java.util.concurrent.atomic.AtomicLong();
    private final ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tiergate-virtual-keys");
        t.setDaemon(true);
        return t;
    });

    private RedisVirtualKeyStore(AdminRedis redis) {
        this.redis = redis;
        this.hash = redis.key("virtual-keys");
        this.channel = redis.key("virtual-keys:changes");
        this.subscriber = redis.subscriber();
        subscriber.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String from, String message) {
                apply(message);
            }
        });
        subscriber.sync().subscribe(channel);
        refresh();
        refresher.scheduleWithFixedDelay(this::refreshQuietly, REFRESH.toMillis(), REFRESH.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Subscribes to changes and reads every key now. */
    public static RedisVirtualKeyStore open(AdminRedis redis) {
        return new RedisVirtualKeyStore(redis);
    }

    private void refresh() {
        long seen = changes.get();
        Map<String, String> stored = redis.commands().hgetall(hash);
        List<VirtualKey> keys = new ArrayList<>(stored.size());
        for (String json : stored.values()) {
            try {
                keys.add(VirtualKey.fromJson(Json.mapper().readTree(json)));
            } catch (Exception e) {
                log.warn("a stored virtual key could not be read, skipped: {}", e.toString());
            }
        }
        // A change that arrived while the hash was read may be newer than what was read: keep the
        // index as the changes left it; the next refresh reads again.
        synchronized (changes) {
            if (changes.get() == seen) {
                index.replaceAll(keys);
            }
        }
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException e) {
            log.warn("virtual keys not refreshed from Redis (the last ones stay): {}", e.toString());
        }
    }

    private void apply(String message) {
        try {
            JsonNode change = Json.mapper().readTree(message);
            synchronized (changes) {
                changes.incrementAndGet();
                switch (change.path("op").asText()) {
                    case "put" -> index.put(VirtualKey.fromJson(change.path("key")));
                    case "delete" -> index.remove(change.path("id").asText());
                    default -> log.warn("unknown virtual key change ignored: {}", change.path("op").asText());
                }
            }
        } catch (Exception e) {
            log.warn("a virtual key change could not be read; the next refresh brings it: {}", e.toString());
        }
    }

    @Override
    public void save(VirtualKey key) {
        ObjectNode json = key.toJson();
        redis.commands().hset(hash, key.id(), json.toString());
        synchronized (changes) {
            changes.incrementAndGet();
            index.put(key);
        }
        ObjectNode change = Json.mapper().createObjectNode().put("op", "put");
        change.set("key", json);
        redis.commands().publish(channel, change.toString());
    }

    @Override
    public boolean delete(String id) {
        boolean removed = redis.commands().hdel(hash, id) > 0;
        synchronized (changes) {
            changes.incrementAndGet();
            index.remove(id);
        }
        redis.commands().publish(channel, Json.mapper().createObjectNode().put("op", "delete").put("id", id)
                .toString());
        return removed;
    }

    @Override
    public String description() {
        return "Redis hash " + hash;
    }

    @Override
    public void close() {
        refresher.shutdownNow();
        subscriber.close();
    }
}
