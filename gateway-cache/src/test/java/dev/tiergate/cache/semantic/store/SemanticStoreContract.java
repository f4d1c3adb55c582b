package dev.tiergate.cache.semantic.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link SemanticStore} shares; subclasses make the store and move its time.
 * Stores see keyed bucket numbers and opaque parts, so the tests use plain numbers and strings.
 */
abstract class SemanticStoreContract {
    static final int TABLES = 8;
    static final Duration TTL = Duration.ofSeconds(30);

    /** A fresh, empty store. */
    abstract SemanticStore store();

    /** Moves the store's time past {@code duration}. */
    abstract void elapse(Duration duration) throws Exception;

    /** The TTL of entries in the expiry test; a store on real time wants a short one. */
    Duration shortTtl() {
        return Duration.ofSeconds(5);
    }

    @Test
    void findsAnEntryByAnyOfItsBucketsWithItsProbe() {
        SemanticStore store = store();
        put(store, "p1", "e1", buckets(1), "probe one", "answer one", TTL);

        int[] query = buckets(99);
        query[5] = buckets(1)[5];
        List<StoredProbe> found = candidates(store, "p1", query);
        assertThat(found).extracting(StoredProbe::id).containsExactly("e1");
        assertThat(text(found.getFirst().probe())).isEqualTo("probe one");
        assertThat(candidates(store, "p1", buckets(99))).isEmpty();
    }

    @Test
    void readsOnePartOfSeveralEntriesInOrderWithNullForTheGone() {
        SemanticStore store = store();
        put(store, "p1", "e1", buckets(1), "p", "answer one", TTL);
        put(store, "p1", "e2", buckets(2), "p", "answer two", TTL);

        List<byte[]> answers = read(store, "p1", List.of("e2", "gone", "e1"), EntryPart.ANSWER);
        assertThat(answers).hasSize(3);
        assertThat(text(answers.get(0))).isEqualTo("answer two");
        assertThat(answers.get(1)).isNull();
        assertThat(text(answers.get(2))).isEqualTo("answer one");
        assertThat(text(read(store, "p1", List.of("e1"), EntryPart.EVIDENCE).getFirst())).isEqualTo("evidence of e1");
    }

    @Test
    void returnsEveryEntrySharingABucketUpToTheMaximum() {
        SemanticStore store = store();
        for (int i = 0; i < 5; i++) {
            put(store, "p1", "e" + i, buckets(7), "p" + i, "a" + i, TTL);
        }
        assertThat(candidates(store, "p1", buckets(7))).extracting(StoredProbe::id)
                .containsExactlyInAnyOrder("e0", "e1", "e2", "e3", "e4");
        assertThat(store.candidates("p1", buckets(7), 3).toCompletableFuture().join()).hasSize(3);
    }

    @Test
    void overTheMaximumTheEntriesSharingTheMostBucketsComeFirst() {
        SemanticStore store = store();
        int[] query = buckets(40);
        for (int i = 0; i < 6; i++) {   // crowd the query's first table: each shares that one bucket
            int[] crowd = buckets(50 + i);
            crowd[0] = query[0];
            put(store, "p1", "crowd" + i, crowd, "p", "a", TTL);
        }
        int[] close = buckets(60);   // shares three later tables with the query
        close[TABLES - 3] = query[TABLES - 3];
        close[TABLES - 2] = query[TABLES - 2];
        close[TABLES - 1] = query[TABLES - 1];
        put(store, "p1", "close", close, "p", "a", TTL);
        int[] closer = buckets(61);   // shares four
        for (int t = 1; t <= 4; t++) {
            closer[t] = query[t];
        }
        put(store, "p1", "closer", closer, "p", "a", TTL);

        assertThat(store.candidates("p1", query, 3).toCompletableFuture().join()).extracting(StoredProbe::id)
                .startsWith("closer", "close").hasSize(3);
        assertThat(candidates(store, "p1", query)).hasSize(8);
    }

    @Test
    void partitionsAreIsolated() {
        SemanticStore store = store();
        put(store, "team-a:ctx", "e1", buckets(8), "p", "a", TTL);

        assertThat(candidates(store, "team-b:ctx", buckets(8))).isEmpty();
        assertThat(candidates(store, "team-a:other", buckets(8))).isEmpty();
        assertThat(candidates(store, "team-a:ctx", buckets(8))).hasSize(1);
        assertThat(read(store, "team-b:ctx", List.of("e1"), EntryPart.ANSWER).getFirst()).isNull();
    }

    @Test
    void entriesExpireAfterTheirTtl() throws Exception {
        SemanticStore store = store();
        put(store, "p1", "short", buckets(12), "p", "a", shortTtl());
        assertThat(candidates(store, "p1", buckets(12))).hasSize(1);

        elapse(shortTtl().plusMillis(100));
        assertThat(candidates(store, "p1", buckets(12))).isEmpty();
        assertThat(read(store, "p1", List.of("short"), EntryPart.ANSWER).getFirst()).isNull();
    }

    @Test
    void listsAndInvalidatesTheEntriesOfOneGroupOnly() {
        SemanticStore store = store();
        putIn(store, "ns-a", "pa1", "a1", buckets(20));
        putIn(store, "ns-a", "pa2", "a2", buckets(21));
        putIn(store, "ns-a", "pa2", "a3", buckets(22));
        putIn(store, "ns-b", "pb1", "b1", buckets(23));

        List<StoredEntryInfo> listed = store.entries("ns-a", 10).toCompletableFuture().join();
        assertThat(listed).extracting(StoredEntryInfo::id).containsExactlyInAnyOrder("a1", "a2", "a3");
        StoredEntryInfo first = listed.getFirst();
        assertThat(first.expiresAt()).isAfter(first.storedAt());
        assertThat(first.bytes()).isPositive();
        assertThat(store.entries("ns-a", 2).toCompletableFuture().join()).hasSize(2);

        assertThat(store.invalidate("ns-a", "a2").toCompletableFuture().join()).isTrue();
        assertThat(store.invalidate("ns-a", "a2").toCompletableFuture().join()).isFalse();
        assertThat(store.invalidate("ns-b", "a1").toCompletableFuture().join()).isFalse();
        assertThat(read(store, "pa2", List.of("a2", "a3"), EntryPart.ANSWER)).extracting(b -> b == null ? null : text(b))
                .containsExactly(null, "answer");
        assertThat(candidates(store, "pa2", buckets(21))).isEmpty();

        assertThat(store.invalidate("ns-a").toCompletableFuture().join()).isEqualTo(2);
        assertThat(store.entries("ns-a", 10).toCompletableFuture().join()).isEmpty();
        assertThat(candidates(store, "pa1", buckets(20))).isEmpty();
        assertThat(candidates(store, "pb1", buckets(23))).extracting(StoredProbe::id).containsExactly("b1");
        assertThat(store.entries("ns-b", 10).toCompletableFuture().join()).extracting(StoredEntryInfo::id)
                .containsExactly("b1");
    }

    private static void putIn(SemanticStore store, String group, String partition, String id, int[] buckets) {
        store.put(new StoreEntry(partition, id, buckets, bytes("probe"), bytes("evidence"), bytes("answer"), TTL, group))
                .toCompletableFuture().join();
    }

    static void put(SemanticStore store, String partition, String id, int[] buckets, String probe, String answer,
                    Duration ttl) {
        store.put(new StoreEntry(partition, id, buckets, bytes(probe), bytes("evidence of " + id), bytes(answer), ttl))
                .toCompletableFuture().join();
    }

    static List<StoredProbe> candidates(SemanticStore store, String partition, int[] buckets) {
        return store.candidates(partition, buckets, 64).toCompletableFuture().join();
    }

    static List<byte[]> read(SemanticStore store, String partition, List<String> ids, EntryPart part) {
        return store.read(partition, ids, part).toCompletableFuture().join();
    }

    /** Distinct bucket numbers per seed: seed * 1000 + table. */
    static int[] buckets(int seed) {
        int[] b = new int[TABLES];
        Arrays.setAll(b, table -> seed * 1000 + table);
        return b;
    }

    static String uniquePrefix() {
        return "tiergate-test:" + UUID.randomUUID() + ":";
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
