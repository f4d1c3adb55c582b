package dev.tiergate.cache.semantic.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.tiergate.core.testing.HeapInUse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class InMemorySemanticStoreTest extends SemanticStoreContract {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final Ticker ticker = nanos::get;

    @Override
    SemanticStore store() {
        return InMemorySemanticStore.builder().ticker(ticker).build();
    }

    @Override
    void elapse(Duration duration) {
        nanos.addAndGet(duration.toNanos());
    }

    @Test
    void staysUnderItsByteBoundAndUnindexesWhatLeaves() {
        InMemorySemanticStore store = InMemorySemanticStore.builder().maxBytes(20_000).ticker(ticker).build();
        for (int i = 0; i < 200; i++) {
            put(store, "p1", "e" + i, buckets(i), "f", "x".repeat(500), TTL);
        }
        assertThat(store.size()).isLessThan(40);
        assertThat(store.evictions()).isGreaterThan(160);
        assertThat(store.bucketCount()).isLessThanOrEqualTo((int) store.size() * TABLES);
    }

    @Test
    void anIdPutAgainKeepsTheBucketsItSharesWithItsOldEntryAndLeavesTheOthers() {
        InMemorySemanticStore store = InMemorySemanticStore.builder().ticker(ticker).build();
        int[] first = buckets(1);
        int[] second = first.clone();
        second[0] = first[0] + 1_000;   // one table moves, fifteen stay
        put(store, "p1", "e1", first, "f", "a", TTL);
        put(store, "p1", "e1", second, "g", "b", TTL);

        assertThat(candidates(store, "p1", first)).as("found through the fifteen shared buckets")
                .extracting(StoredProbe::id).containsExactly("e1");
        int[] onlyTheOldBucket = buckets(7);
        onlyTheOldBucket[0] = first[0];
        assertThat(candidates(store, "p1", onlyTheOldBucket)).as("the bucket only the old entry had").isEmpty();
        assertThat(store.bucketCount()).isEqualTo(TABLES);
        store.clear();
        assertThat(store.bucketCount()).isZero();
    }

    @Test
    void expiredEntriesLeaveTheirBuckets() {
        InMemorySemanticStore store = InMemorySemanticStore.builder().ticker(ticker).build();
        put(store, "p1", "e1", buckets(1), "f", "a", Duration.ofSeconds(1));
        assertThat(store.bucketCount()).isEqualTo(TABLES);
        elapse(Duration.ofSeconds(2));
        assertThat(store.size()).isZero();
        assertThat(store.bucketCount()).isZero();
    }

    @Test
    void theHeapAFullStoreHoldsIsWithinItsBound() throws InterruptedException {
        assertFullStoreWithinBound(4);   // a few partitions: buckets of several ids
    }

    @Test
    void theHeapAFullStoreOfOnePartitionPerEntryHoldsIsWithinItsBound() throws InterruptedException {
        assertFullStoreWithinBound(Integer.MAX_VALUE);   // every entry its own context: every bucket its own
    }

    /** Fills a 4 MB store with entries as the stage writes them and weighs it while it is still in use. */
    private static void assertFullStoreWithinBound(int partitions) throws InterruptedException {
        long bound = 4L << 20;
        InMemorySemanticStore store = InMemorySemanticStore.builder().maxBytes(bound).build();
        java.util.Random random = new java.util.Random(5);
        long before = HeapInUse.afterGc();
        for (int i = 0; i < 5_000; i++) {   // 16 LSH tables of keyed bucket numbers, sealed parts
            int[] buckets = new int[16];
            for (int t = 0; t < buckets.length; t++) {
                buckets[t] = partitions == Integer.MAX_VALUE ? random.nextInt() : random.nextInt(256);
            }
            String partition = partitions == Integer.MAX_VALUE ? "p" + i : "p" + (i % partitions);
            store.put(new StoreEntry(partition, java.util.UUID.randomUUID().toString(), buckets, new byte[420],
                    new byte[1_600], new byte[700], Duration.ofHours(1))).toCompletableFuture().join();
        }
        long held = HeapInUse.afterGc(store) - before;
        assertThat(store.evictions()).as("the store filled up").isPositive();
        assertThat(held).as("heap held by a store bounded at %d bytes", bound).isLessThan(bound * 5 / 4);
        System.out.printf("semantic store, %s partitions: %d entries, %.2f MB held at a %.2f MB bound%n",
                partitions == Integer.MAX_VALUE ? "per-entry" : String.valueOf(partitions), store.size(),
                held / 1048576.0, bound / 1048576.0);
    }
}
