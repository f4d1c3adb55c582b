package dev.tiergate.server.responses;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.crypto.Sealer;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import javax.crypto.SecretKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stored responses in Redis (Lettuce, asynchronous), so that every replica finds them and they
 * outlive a restart: one key per team and id ({@code <prefix><team>:<id>}) that expires {@code ttl}
 * after it was stored; with a key, sealed with AES-GCM bound to that Redis key
 * ({@link StoredResponseCodec}). A response larger than {@code maxEntryBytes} is not stored (logged):
 * the bound of Redis' memory as a whole is Redis' own {@code maxmemory}. Bytes that do not open (a
 * changed key, a value moved under another team) count as not found, and are logged.
 */
public final class RedisResponseStore implements ResponseStore {
    private static final Logger log = LoggerFactory.getLogger(RedisResponseStore.class);

    private final RedisAsyncCommands<String, byte[]> redis;
    private final String prefix;
    private final Duration ttl;
    private final long maxEntryBytes;
    private final Sealer sealer;

    /** {@code key} may be null: then responses are kept in clear. */
    public RedisResponseStore(RedisAsyncCommands<String, byte[]> redis, String prefix, Duration ttl,
                              long maxEntryBytes, SecretKey key) {
        this.redis = requireNonNull(redis, "redis");
        this.prefix = requireNonNull(prefix, "prefix");
        this.ttl = requireNonNull(ttl, "ttl");
        if (ttl.toMillis() <= 0) {
            throw new IllegalArgumentException("ttl: " + ttl + " (expected: at least 1 ms)");
        }
        if (maxEntryBytes <= 0) {
            throw new IllegalArgumentException("maxEntryBytes: " + maxEntryBytes + " (expected: > 0)");
        }
        this.maxEntryBytes = maxEntryBytes;
        this.sealer = key == null ? null : StoredResponseCodec.sealer(key);
    }

    @Override
    public CompletionStage<Void> put(StoredResponse response) {
        String place = place(response.teamId(), response.id());
        byte[] bytes = StoredResponseCodec.encode(response, place, sealer);
        if (bytes.length > maxEntryBytes) {
            log.warn("response {} of team {} not stored: {} bytes (at most {})", response.id(), response.teamId(),
                    bytes.length, maxEntryBytes);
            return CompletableFuture.completedFuture(null);
        }
        return redis.set(place, bytes, SetArgs.Builder.px(ttl.toMillis())).thenApply(ok -> null);
    }

    @Override
    public CompletionStage<StoredResponse> get(String teamId, String id) {
        String place = place(teamId, id);
        return redis.get(place).thenApply(bytes -> {
            if (bytes == null) {
                return null;
            }
            try {
                StoredResponse stored = StoredResponseCodec.decode(bytes, place, sealer);
                return stored.teamId().equals(teamId) ? stored : null;
            } catch (IllegalArgumentException e) {
                log.warn("stored response {} of team {} unreadable: {}", id, teamId, e.getMessage());
                return null;
            }
        });
    }

    @Override
    public CompletionStage<Boolean> delete(String teamId, String id) {
        return redis.del(place(teamId, id)).thenApply(count -> count != null && count > 0);
    }

    private String place(String teamId, String id) {
        return prefix + teamId + ":" + id;
    }
}
