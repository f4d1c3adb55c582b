package dev.tiergate.cache.semantic.store;

import static java.util.Objects.requireNonNull;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.ExpireArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link SemanticStore} in Redis (plain structures, no modules), shared by every replica. Keys,
 * with {@code P} the key prefix and {@code {partition}} a hash tag so a partition lives in one
 * cluster slot:
 * <ul>
 *   <li>{@code P{partition}:b:<table>:<band>}: a sorted set of entry ids scored by their expiry
 *       time (epoch millis); lookups read only unexpired ids, writes trim expired ones and cap
 *       the bucket at {@code maxBucketSize}, and the key expires with its newest entry;</li>
 *   <li>{@code P{partition}:e:<id>}: a hash with the sealed parts {@code p} (probe), {@code s}
 *       (evidence), {@code a} (answer) and {@code at} (stored at, epoch millis), with the entry's
 *       TTL;</li>
 *   <li>{@code P{g:group}:members}: a set of {@code partition|id} of the entries of one (keyed)
 *       namespace, living as long as its longest-lived entry, by which an admin lists and removes a
 *       namespace's entries without scanning keys.</li>
 * </ul>
 * The partition and bucket numbers are keyed hashes and the parts sealed bytes (the stage's
 * {@code CacheKeys}): nothing here is prompt or answer text. Finding candidates is two pipelined
 * round trips (bucket members of every table; their probes), each further {@link #read} one, a
 * write one; nothing scans keys. Commands
 * time out after {@code commandTimeout} and are rejected at once while disconnected, so a Redis
 * outage costs a request milliseconds, not seconds; the connection is retried in the background.
 */
public final class RedisSemanticStore implements SemanticStore {
    public static final String DEFAULT_KEY_PREFIX = "tiergate:sc:";
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMillis(250);
    public static final int DEFAULT_MAX_BUCKET_SIZE = 64;
    private static final Duration RECONNECT_INTERVAL = Duration.ofSeconds(1);
    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    private final RedisClient client;
    private final boolean ownsClient;
    private final RedisURI uri;
    private final String prefix;
    private final int maxBucketSize;
    private final Clock clock;
    private final AtomicReference<CompletableFuture<StatefulRedisConnection<String, byte[]>>> connection =
            new AtomicReference<>();
    private volatile long lastConnectAttempt;

    private RedisSemanticStore(Builder builder) {
        this.uri = RedisURI.create(builder.url);
        this.uri.setTimeout(builder.commandTimeout);
        this.ownsClient = builder.client == null;
        this.client = builder.client != null ? builder.client : RedisClient.create();
        if (ownsClient) {
            client.setOptions(ClientOptions.builder()
                    .autoReconnect(true)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .timeoutOptions(TimeoutOptions.enabled(builder.commandTimeout))
                    .socketOptions(SocketOptions.builder().connectTimeout(builder.connectTimeout).build())
                    .build());
        }
        this.prefix = builder.keyPrefix;
        this.maxBucketSize = builder.maxBucketSize;
        this.clock = builder.clock;
        connection();
    }

    /** A store on the Redis at {@code url} (e.g. {@code redis://127.0.0.1:6379/0}) with default options. */
    public static RedisSemanticStore create(String url) {
        return builder(url).build();
    }

    public static Builder builder(String url) {
        return new Builder(url);
    }

    @Override
    public CompletionStage<List<StoredProbe>> candidates(String partition, int[] buckets, int max) {
        long now = clock.millis();
        return connection().thenCompose(conn -> {
            RedisAsyncCommands<String, byte[]> redis = conn.async();
            List<RedisFuture<List<byte[]>>> members = new ArrayList<>(buckets.length);
            for (int table = 0; table < buckets.length; table++) {
                members.add(redis.zrangebyscore(bucketKey(partition, table, buckets[table]),
                        "(" + now, "+inf", 0, maxBucketSize));
            }
            return allOf(members).thenCompose(ignored -> {
                CandidateRanking ranking = new CandidateRanking();
                for (RedisFuture<List<byte[]>> future : members) {
                    for (byte[] id : future.toCompletableFuture().join()) {
                        ranking.saw(new String(id, StandardCharsets.UTF_8));
                    }
                }
                List<String> ordered = ranking.closest(max);
                return read(redis, partition, ordered, EntryPart.PROBE).thenApply(probes -> {
                    List<StoredProbe> found = new ArrayList<>(ordered.size());
                    for (int i = 0; i < ordered.size(); i++) {
                        if (probes.get(i) != null) {
                            found.add(new StoredProbe(ordered.get(i), probes.get(i)));
                        }
                    }
                    return found;
                });
            });
        });
    }

    @Override
    public CompletionStage<List<byte[]>> read(String partition, List<String> ids, EntryPart part) {
        if (ids.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        return connection().thenCompose(conn -> read(conn.async(), partition, ids, part));
    }

    /** One pipelined round trip: the part of each id. */
    private CompletionStage<List<byte[]>> read(RedisAsyncCommands<String, byte[]> redis, String partition,
                                              List<String> ids, EntryPart part) {
        if (ids.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        List<RedisFuture<byte[]>> fields = new ArrayList<>(ids.size());
        for (String id : ids) {
            fields.add(redis.hget(entryKey(partition, id), part.field()));
        }
        return allOf(fields).thenApply(ignored -> {
            List<byte[]> values = new ArrayList<>(fields.size());
            fields.forEach(f -> values.add(f.toCompletableFuture().join()));
            return values;
        });
    }

    @Override
    public CompletionStage<Void> put(StoreEntry entry) {
        requireNonNull(entry, "entry");
        long now = clock.millis();
        long ttlMillis = Math.max(1, entry.ttl().toMillis());
        byte[] id = entry.id().getBytes(StandardCharsets.UTF_8);
        return connection().thenCompose(conn -> {
            RedisAsyncCommands<String, byte[]> redis = conn.async();
            List<RedisFuture<?>> sent = new ArrayList<>();
            String key = entryKey(entry.partition(), entry.id());
            Map<String, byte[]> hash = new LinkedHashMap<>();
            for (EntryPart part : EntryPart.values()) {
                hash.put(part.field(), entry.part(part));
            }
            hash.put("at", Long.toString(now).getBytes(StandardCharsets.US_ASCII));
            sent.add(redis.hset(key, hash));
            sent.add(redis.pexpire(key, ttlMillis));
            if (!entry.group().isEmpty()) {
                String members = groupKey(entry.group());
                sent.add(redis.sadd(members, (entry.partition() + "|" + entry.id()).getBytes(StandardCharsets.UTF_8)));
                sent.add(redis.pexpire(members, ttlMillis, ExpireArgs.Builder.nx()));
                sent.add(redis.pexpire(members, ttlMillis, ExpireArgs.Builder.gt()));
            }
            int[] bands = entry.buckets();
            for (int table = 0; table < bands.length; table++) {
                String bucket = bucketKey(entry.partition(), table, bands[table]);
                sent.add(redis.zadd(bucket, (double) (now + ttlMillis), id));
                sent.add(redis.zremrangebyscore(bucket, "-inf", "(" + now));
                sent.add(redis.zremrangebyrank(bucket, 0, -(maxBucketSize + 1L)));
                // The bucket lives as long as its longest-lived entry: set a TTL where there is none, extend a shorter one.
                sent.add(redis.pexpire(bucket, ttlMillis, ExpireArgs.Builder.nx()));
                sent.add(redis.pexpire(bucket, ttlMillis, ExpireArgs.Builder.gt()));
            }
            return allOf(sent);
        });
    }

    @Override
    public CompletionStage<List<StoredEntryInfo>> entries(String group, int max) {
        requireNonNull(group, "group");
        long now = clock.millis();
        return members(group).thenCompose(members -> {
            RedisAsyncCommands<String, byte[]> redis = members.redis();
            List<String[]> listed = members.ids().stream().limit(max).toList();
            List<RedisFuture<byte[]>> at = new ArrayList<>();
            List<RedisFuture<Long>> ttl = new ArrayList<>();
            List<List<RedisFuture<Long>>> sizes = new ArrayList<>();
            for (String[] member : listed) {
                String key = entryKey(member[0], member[1]);
                at.add(redis.hget(key, "at"));
                ttl.add(redis.pttl(key));
                List<RedisFuture<Long>> parts = new ArrayList<>();
                for (EntryPart part : EntryPart.values()) {
                    parts.add(redis.hstrlen(key, part.field()));
                }
                sizes.add(parts);
            }
            List<RedisFuture<?>> all = new ArrayList<>(at);
            all.addAll(ttl);
            sizes.forEach(all::addAll);
            return allOf(all).thenApply(ignored -> {
                List<StoredEntryInfo> found = new ArrayList<>();
                for (int i = 0; i < listed.size(); i++) {
                    byte[] storedAt = at.get(i).toCompletableFuture().join();
                    long left = ttl.get(i).toCompletableFuture().join();
                    if (storedAt == null || left < 0) {
                        continue;   // gone: expired or removed
                    }
                    long bytes = 0;
                    for (RedisFuture<Long> part : sizes.get(i)) {
                        bytes += part.toCompletableFuture().join();
                    }
                    found.add(new StoredEntryInfo(listed.get(i)[0], listed.get(i)[1],
                            java.time.Instant.ofEpochMilli(Long.parseLong(new String(storedAt, StandardCharsets.US_ASCII))),
                            java.time.Instant.ofEpochMilli(now + left), bytes));
                }
                return found;
            });
        });
    }

    @Override
    public CompletionStage<Integer> invalidate(String group) {
        requireNonNull(group, "group");
        return members(group).thenCompose(members -> {
            List<RedisFuture<Long>> deleted = new ArrayList<>();
            for (String[] member : members.ids()) {
                deleted.add(members.redis().del(entryKey(member[0], member[1])));
            }
            RedisFuture<Long> set = members.redis().del(groupKey(group));
            List<RedisFuture<?>> all = new ArrayList<>(deleted);
            all.add(set);
            return allOf(all).thenApply(ignored -> (int) deleted.stream()
                    .mapToLong(f -> f.toCompletableFuture().join()).sum());
        });
    }

    @Override
    public CompletionStage<Boolean> invalidate(String group, String id) {
        requireNonNull(group, "group");
        requireNonNull(id, "id");
        return members(group).thenCompose(members -> {
            for (String[] member : members.ids()) {
                if (member[1].equals(id)) {
                    RedisFuture<Long> deleted = members.redis().del(entryKey(member[0], member[1]));
                    RedisFuture<Long> removed = members.redis().srem(groupKey(group),
                            (member[0] + "|" + member[1]).getBytes(StandardCharsets.UTF_8));
                    return allOf(List.of(deleted, removed))
                            .thenApply(ignored -> deleted.toCompletableFuture().join() > 0);
                }
            }
            return CompletableFuture.completedFuture(false);
        });
    }

    /** The partition and id of each member of a group, with the commands they were read on. */
    private record Members(RedisAsyncCommands<String, byte[]> redis, List<String[]> ids) {
    }

    private CompletionStage<Members> members(String group) {
        return connection().thenCompose(conn -> {
            RedisAsyncCommands<String, byte[]> redis = conn.async();
            return redis.smembers(groupKey(group)).thenApply(raw -> {
                List<String[]> ids = new ArrayList<>(raw.size());
                for (byte[] member : raw) {
                    String text = new String(member, StandardCharsets.UTF_8);
                    int bar = text.lastIndexOf('|');
                    if (bar > 0) {
                        ids.add(new String[] {text.substring(0, bar), text.substring(bar + 1)});
                    }
                }
                return new Members(redis, ids);
            });
        });
    }

    @Override
    public String kind() {
        return "redis";
    }

    /** The key prefix, e.g. for an admin tool that deletes a namespace's keys. */
    public String keyPrefix() {
        return prefix;
    }

    @Override
    public void close() {
        CompletableFuture<StatefulRedisConnection<String, byte[]>> current = connection.getAndSet(null);
        if (current != null) {
            current.thenAccept(StatefulRedisConnection::close);
        }
        if (ownsClient) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    String bucketKey(String partition, int table, int band) {
        return prefix + "{" + partition + "}:b:" + table + ":" + Integer.toHexString(band);
    }

    String groupKey(String group) {
        return prefix + "{g:" + group + "}:members";
    }

    String entryKey(String partition, String id) {
        return prefix + "{" + partition + "}:e:" + id;
    }

    /** The connection, or a fresh attempt when the last one failed more than a second ago. */
    private CompletableFuture<StatefulRedisConnection<String, byte[]>> connection() {
        CompletableFuture<StatefulRedisConnection<String, byte[]>> current = connection.get();
        boolean failed = current != null && current.isCompletedExceptionally();
        if (current != null && (!failed || System.nanoTime() - lastConnectAttempt < RECONNECT_INTERVAL.toNanos())) {
            return current;
        }
        CompletableFuture<StatefulRedisConnection<String, byte[]>> next = new CompletableFuture<>();
        if (!connection.compareAndSet(current, next)) {
            CompletableFuture<StatefulRedisConnection<String, byte[]>> winner = connection.get();
            return winner != null ? winner : CompletableFuture.failedFuture(new IllegalStateException("closed"));
        }
        lastConnectAttempt = System.nanoTime();
        client.connectAsync(CODEC, uri).whenComplete((conn, error) -> {
            if (error != null) {
                next.completeExceptionally(error);
            } else {
                next.complete(conn);
            }
        });
        return next;
    }

    private static CompletableFuture<Void> allOf(java.util.Collection<? extends RedisFuture<?>> futures) {
        return CompletableFuture.allOf(futures.stream().map(RedisFuture::toCompletableFuture)
                .toArray(CompletableFuture[]::new));
    }

    /** Builds a {@link RedisSemanticStore}; the connection is opened in the background. */
    public static final class Builder {
        private final String url;
        private RedisClient client;
        private String keyPrefix = DEFAULT_KEY_PREFIX;
        private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
        private Duration connectTimeout = Duration.ofSeconds(1);
        private int maxBucketSize = DEFAULT_MAX_BUCKET_SIZE;
        private Clock clock = Clock.systemUTC();

        private Builder(String url) {
            requireNonNull(url, "url");
            if (!url.startsWith("redis://") && !url.startsWith("rediss://") && !url.startsWith("redis-socket://")) {
                throw new IllegalArgumentException("redis url: " + url + " (expected: redis://host:port[/db])");
            }
            this.url = url;
        }

        /** A client to share (its options are the caller's); by default the store makes and owns one. */
        public Builder client(RedisClient shared) {
            this.client = requireNonNull(shared, "client");
            return this;
        }

        public Builder keyPrefix(String newPrefix) {
            requireNonNull(newPrefix, "keyPrefix");
            if (newPrefix.isEmpty()) {
                throw new IllegalArgumentException("keyPrefix: \"\" (expected: non-empty, e.g. tiergate:sc:)");
            }
            this.keyPrefix = newPrefix;
            return this;
        }

        /** How long one command may take before the lookup counts as failed. Default 250 ms. */
        public Builder commandTimeout(Duration timeout) {
            requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("commandTimeout: " + timeout + " (expected: > 0)");
            }
            this.commandTimeout = timeout;
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("connectTimeout: " + timeout + " (expected: > 0)");
            }
            this.connectTimeout = timeout;
            return this;
        }

        /** The most ids one bucket keeps (the soonest to expire go first). Default 64. */
        public Builder maxBucketSize(int size) {
            if (size <= 0) {
                throw new IllegalArgumentException("maxBucketSize: " + size + " (expected: > 0)");
            }
            this.maxBucketSize = size;
            return this;
        }

        /** The wall clock of bucket expiry scores (tests). */
        public Builder clock(Clock newClock) {
            this.clock = requireNonNull(newClock, "clock");
            return this;
        }

        public RedisSemanticStore build() {
            return new RedisSemanticStore(this);
        }
    }
}
