package dev.tiergate.cache.internal;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Duration;
import java.util.function.Function;

/** A Caffeine expiry where each entry lives for its own TTL from its last write; reads do not extend it. */
public final class PerEntryTtl<K, V> implements Expiry<K, V> {
    private final Function<V, Duration> ttlOf;

    public PerEntryTtl(Function<V, Duration> ttlOf) {
        this.ttlOf = requireNonNull(ttlOf, "ttlOf");
    }

    @Override
    public long expireAfterCreate(K key, V value, long currentTime) {
        return ttlOf.apply(value).toNanos();
    }

    @Override
    public long expireAfterUpdate(K key, V value, long currentTime, long currentDuration) {
        return ttlOf.apply(value).toNanos();
    }

    @Override
    public long expireAfterRead(K key, V value, long currentTime, long currentDuration) {
        return currentDuration;
    }
}
