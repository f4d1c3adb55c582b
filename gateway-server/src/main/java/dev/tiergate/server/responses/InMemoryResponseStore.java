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
 * {@link #MIN_ENTRY_BYTES}, which bounds the number of entries too). Lost on restart.
 */
public final class InMemoryResponseStore implements ResponseStore {
    /** The least an entry counts against the byte bound, so tiny entries cannot grow the map without end. */
    public static final int MIN_ENTRY_BYTES = 1024;

    private final Cache<Key, StoredResponse> entries;

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
                .weigher((Key key, StoredResponse value) -> (int) Math.min(Integer.MAX_VALUE,
                        Math.max(MIN_ENTRY_BYTES, value.bytes())))
                .ticker(ticker)
                .executor(Runnable::run)
                .build();
    }

    @Override
    public CompletionStage<Void> put(StoredResponse response) {
        entries.put(new Key(response.teamId(), response.id()), response);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<StoredResponse> get(String teamId, String id) {
        return CompletableFuture.completedFuture(entries.getIfPresent(new Key(teamId, id)));
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
