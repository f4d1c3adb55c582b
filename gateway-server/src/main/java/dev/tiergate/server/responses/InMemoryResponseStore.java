package dev.tiergate.server.responses;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Stored responses in this process (Caffeine): each kept for {@code ttl} after it was stored, and
 * at most {@code maxBytes} of them in all (past it, Caffeine's size eviction picks which go; each counts at least
 * {@link #MIN_ENTRY_BYTES}, which bounds the number of entries too). Each is held as its encoded JSON
 * ({@link StoredResponseCodec}, in clear), so the bound counts what it holds: a response's JSON trees
 * take several times their text's bytes of heap. Read back as new trees, so a caller's changes to
 * one never reach the store. Lost on restart.
 */
public final class InMemoryResponseStore implements ResponseStore {
    /** The least an entry counts against the byte bound, so tiny entries cannot grow the map without end. */
    public static final int MIN_ENTRY_BYTES = 1024;
    /** What an entry holds besides its bytes: the key, its id string and the cache's node. */
    private static final int ENTRY_OVERHEAD_BYTES = 256;

    private final Cache<Key, byte[]> entries;

    private record Key(String teamId, String id) {
    }

    public InMemoryResponseStore(Duration ttl, long maxBytes, Clock clock) {
        requireNonNull(ttl, "ttl");
        requireNonNull(clock, "clock");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl: " + ttl + " (expected: > 0)");
        }
        if (maxBytes < MIN_ENTRY_BYTES) {
            throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: >= " + MIN_ENTRY_BYTES + ")");
        }
        Ticker ticker = () -> clock.millis() * 1_000_000L;
        this.entries = Caffeine.newBuilder()
                .expireAfterWrite(ttl)
                .maximumWeight(maxBytes)
                .weigher((Key key, byte[] value) -> Math.max(MIN_ENTRY_BYTES, value.length + ENTRY_OVERHEAD_BYTES))
                .ticker(ticker)
                .executor(Runnable::run)
                .build();
    }

    @Override
    public CompletionStage<Void> put(StoredResponse response) {
        entries.put(new Key(response.teamId(), response.id()), StoredResponseCodec.encode(response, null, null));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<StoredResponse> get(String teamId, String id) {
        byte[] bytes = entries.getIfPresent(new Key(teamId, id));
        return CompletableFuture.completedFuture(bytes == null ? null : StoredResponseCodec.decode(bytes, null, null));
    }

    @Override
    public CompletionStage<Boolean> delete(String teamId, String id) {
        return CompletableFuture.completedFuture(entries.asMap().remove(new Key(teamId, id)) != null);
    }

    /** Entries held now (after pending evictions), for tests and gauges. */
    public long size() {
        entries.cleanUp();
        return entries.estimatedSize();
    }
}
