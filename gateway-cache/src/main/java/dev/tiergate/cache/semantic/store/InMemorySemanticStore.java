package dev.tiergate.cache.semantic.store;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.tiergate.cache.internal.PerEntryTtl;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;

/**
 * The default {@link SemanticStore}: one process's memory, bounded by the approximate bytes of its
 * entries (least recently used go first: an entry is used when its evidence or answer is read, not
 * when its probe is compared as a candidate), each entry expiring after its TTL. The bound counts an
 * entry's share of the {@link BucketIndex} too. Buckets are kept in step with the entries: an entry
 * leaving (evicted, expired) leaves its buckets.
 */
public final class InMemorySemanticStore implements SemanticStore {
    public static final long DEFAULT_MAX_BYTES = 64L * 1024 * 1024;

    private final Cache<EntryKey, StoreEntry> entries;
    private final BucketIndex buckets = new BucketIndex();
    private final LongAdder evictions = new LongAdder();
    private final java.time.Clock clock;

    private static final int[] NO_BUCKETS = {};

    private record EntryKey(String partition, String id) {
    }

    private InMemorySemanticStore(long maxBytes, Ticker ticker, java.time.Clock clock) {
        this.clock = clock;
        this.entries = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((EntryKey key, StoreEntry entry) -> (int) Math.min(Integer.MAX_VALUE, weight(entry)))
                .expireAfter(new PerEntryTtl<EntryKey, StoreEntry>(StoreEntry::ttl))
                .ticker(ticker)
                .executor(Runnable::run)
                .removalListener((EntryKey key, StoreEntry entry, RemovalCause cause) -> {
                    if (entry != null && cause != RemovalCause.REPLACED) {   // a replaced entry: put() unindexes
                        unindex(entry, NO_BUCKETS);
                    }
                    if (cause == RemovalCause.SIZE) {
                        evictions.increment();
                    }
                })
                .build();
    }

    /** A store of at most {@link #DEFAULT_MAX_BYTES} with the system ticker. */
    public static InMemorySemanticStore create() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public CompletionStage<List<StoredProbe>> candidates(String partition, int[] buckets, int max) {
        CandidateRanking ranking = new CandidateRanking();
        for (int table = 0; table < buckets.length; table++) {
            this.buckets.tally(partition, table, buckets[table], ranking);
        }
        List<String> ids = ranking.closest(max);
        List<StoredProbe> found = new ArrayList<>(ids.size());
        var quietly = entries.policy();
        for (String id : ids) {
            // A candidate compared is not a use: no recency update (and no read-buffer upkeep for up to
            // 64 probes a lookup); reading its evidence or answer (a verified candidate, a hit) is.
            StoreEntry entry = quietly.getIfPresentQuietly(new EntryKey(partition, id));
            if (entry != null) {
                found.add(new StoredProbe(id, entry.probe()));
            }
        }
        return CompletableFuture.completedFuture(found);
    }

    @Override
    public CompletionStage<List<byte[]>> read(String partition, List<String> ids, EntryPart part) {
        List<byte[]> parts = new ArrayList<>(ids.size());
        for (String id : ids) {
            StoreEntry entry = entries.getIfPresent(new EntryKey(partition, id));
            parts.add(entry == null ? null : entry.part(part));
        }
        return CompletableFuture.completedFuture(parts);
    }

    @Override
    public CompletionStage<Void> put(StoreEntry entry) {
        requireNonNull(entry, "entry");
        // Index first: the removal listener, which unindexes, can only run once the entry is in.
        int[] bands = entry.buckets();
        for (int table = 0; table < bands.length; table++) {
            buckets.add(entry.partition(), table, bands[table], entry.id());
        }
        StoreEntry previous = entries.asMap().put(new EntryKey(entry.partition(), entry.id()), entry);
        if (previous != null) {
            unindex(previous, bands);   // the same id again: only what the new entry does not share leaves
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<List<StoredEntryInfo>> entries(String group, int max) {
        requireNonNull(group, "group");
        entries.cleanUp();
        var expiry = entries.policy().expireVariably().orElseThrow();
        java.time.Instant now = clock.instant();
        List<StoredEntryInfo> found = new ArrayList<>();
        for (var e : entries.asMap().entrySet()) {
            if (found.size() >= max) {
                break;
            }
            StoreEntry entry = e.getValue();
            if (!entry.group().equals(group)) {
                continue;
            }
            java.time.Duration left = expiry.getExpiresAfter(e.getKey()).orElse(java.time.Duration.ZERO);
            java.time.Instant expiresAt = now.plus(left);
            found.add(new StoredEntryInfo(entry.partition(), entry.id(), expiresAt.minus(entry.ttl()), expiresAt,
                    weight(entry)));
        }
        return CompletableFuture.completedFuture(found);
    }

    @Override
    public CompletionStage<Integer> invalidate(String group) {
        requireNonNull(group, "group");
        List<EntryKey> keys = entries.asMap().entrySet().stream()
                .filter(e -> e.getValue().group().equals(group)).map(java.util.Map.Entry::getKey).toList();
        entries.invalidateAll(keys);
        return CompletableFuture.completedFuture(keys.size());
    }

    @Override
    public CompletionStage<Boolean> invalidate(String group, String id) {
        requireNonNull(group, "group");
        requireNonNull(id, "id");
        List<EntryKey> keys = entries.asMap().entrySet().stream()
                .filter(e -> e.getValue().group().equals(group) && e.getKey().id().equals(id))
                .map(java.util.Map.Entry::getKey).toList();
        entries.invalidateAll(keys);
        return CompletableFuture.completedFuture(!keys.isEmpty());
    }

    @Override
    public String kind() {
        return "memory";
    }

    /** Entries held now, after pending expirations. */
    public long size() {
        entries.cleanUp();
        return entries.estimatedSize();
    }

    /** Buckets holding at least one id, after pending expirations (tests). */
    public int bucketCount() {
        entries.cleanUp();
        return buckets.size();
    }

    /** Entries removed to stay under the size bound since start. */
    public long evictions() {
        return evictions.sum();
    }

    /** Drops every entry (an admin action, and tests). */
    public void clear() {
        entries.invalidateAll();
    }

    /** Takes the entry out of its buckets, but for the tables where {@code kept} holds the same bucket. */
    private void unindex(StoreEntry entry, int[] kept) {
        int[] bands = entry.buckets();
        for (int table = 0; table < bands.length; table++) {
            if (table >= kept.length || kept[table] != bands[table]) {
                buckets.remove(entry.partition(), table, bands[table], entry.id());
            }
        }
    }

    /** The bytes an entry holds here: its own and its memberships in the bucket index. */
    private static long weight(StoreEntry entry) {
        return entry.weight() + (long) BucketIndex.BYTES_PER_MEMBERSHIP * entry.buckets().length;
    }

    /** Builds an {@link InMemorySemanticStore}. */
    public static final class Builder {
        private long maxBytes = DEFAULT_MAX_BYTES;
        private Ticker ticker = Ticker.systemTicker();
        private java.time.Clock clock = java.time.Clock.systemUTC();

        private Builder() {
        }

        public Builder maxSizeMb(long megabytes) {
            if (megabytes <= 0) {
                throw new IllegalArgumentException("max-size-mb: " + megabytes + " (expected: > 0)");
            }
            return maxBytes(megabytes * 1024 * 1024);
        }

        public Builder maxBytes(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("maxBytes: " + bytes + " (expected: > 0)");
            }
            this.maxBytes = bytes;
            return this;
        }

        /** The time source of TTLs (tests). */
        public Builder ticker(Ticker newTicker) {
            this.ticker = requireNonNull(newTicker, "ticker");
            return this;
        }

        /** The wall clock of the times {@link #entries} reports (tests). */
        public Builder clock(java.time.Clock newClock) {
            this.clock = requireNonNull(newClock, "clock");
            return this;
        }

        public InMemorySemanticStore build() {
            return new InMemorySemanticStore(maxBytes, ticker, clock);
        }
    }
}
