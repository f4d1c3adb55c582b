package dev.tiergate.cache.semantic.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
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
    void expiredEntriesLeaveTheirBuckets() {
        InMemorySemanticStore store = InMemorySemanticStore.builder().ticker(ticker).build();
        put(store, "p1", "e1", buckets(1), "f", "a", Duration.ofSeconds(1));
        assertThat(store.bucketCount()).isEqualTo(TABLES);
        elapse(Duration.ofSeconds(2));
        assertThat(store.size()).isZero();
        assertThat(store.bucketCount()).isZero();
    }
}
