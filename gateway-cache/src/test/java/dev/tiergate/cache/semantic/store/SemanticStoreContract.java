package dev.tiergate.cache.semantic.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiergate.cache.semantic.lsh.RandomHyperplaneLsh;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link SemanticStore} shares; subclasses make the store and move its time.
 */
abstract class SemanticStoreContract {
    static final int DIMS = 32;
    static final RandomHyperplaneLsh LSH = new RandomHyperplaneLsh(DIMS, 8, 6, RandomHyperplaneLsh.DEFAULT_SEED);
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
    void findsTheStoredEntryByItsOwnVector() {
        SemanticStore store = store();
        float[] v = unit(1);
        put(store, "p1", "e1", v, "f", "answer one", TTL);

        Optional<StoreMatch> match = find(store, "p1", v, 0.99);
        assertThat(match).isPresent();
        assertThat(match.get().id()).isEqualTo("e1");
        assertThat(match.get().similarity()).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-5));
        assertThat(new String(match.get().answer(), StandardCharsets.UTF_8)).isEqualTo("answer one");
    }

    @Test
    void findsACloseVectorAboveTheThresholdOnly() {
        SemanticStore store = store();
        float[] v = unit(2);
        float[] close = near(v, 0.15, 3);
        double similarity = dot(v, close);
        assertThat(similarity).isBetween(0.9, 0.999);
        put(store, "p1", "e1", v, "f", "a", TTL);

        assertThat(find(store, "p1", close, similarity - 0.01)).map(StoreMatch::id).contains("e1");
        assertThat(find(store, "p1", close, similarity + 0.01)).isEmpty();
    }

    @Test
    void returnsTheMostSimilarOfSeveralCandidates() {
        SemanticStore store = store();
        float[] query = unit(4);
        put(store, "p1", "far", near(query, 0.30, 5), "f", "far", TTL);
        put(store, "p1", "nearest", near(query, 0.05, 6), "f", "nearest", TTL);
        put(store, "p1", "middle", near(query, 0.15, 7), "f", "middle", TTL);

        assertThat(find(store, "p1", query, 0.5)).map(StoreMatch::id).contains("nearest");
    }

    @Test
    void partitionsAreIsolated() {
        SemanticStore store = store();
        float[] v = unit(8);
        put(store, "team-a:ctx", "e1", v, "f", "a", TTL);

        assertThat(find(store, "team-b:ctx", v, 0.5)).isEmpty();
        assertThat(find(store, "team-a:other", v, 0.5)).isEmpty();
        assertThat(find(store, "team-a:ctx", v, 0.5)).isPresent();
    }

    @Test
    void theFeatureFilterCanRefuseTheBestAndTakeTheNext() {
        SemanticStore store = store();
        float[] query = unit(9);
        put(store, "p1", "best", near(query, 0.05, 10), "numbers=1", "best", TTL);
        put(store, "p1", "second", near(query, 0.10, 11), "numbers=2", "second", TTL);

        StoreQuery onlyTwo = new StoreQuery("p1", LSH.bands(query), query, 0.5, "numbers=2"::equals, 64);
        assertThat(store.findBest(onlyTwo).toCompletableFuture().join()).map(StoreMatch::id).contains("second");
        StoreQuery none = new StoreQuery("p1", LSH.bands(query), query, 0.5, f -> false, 64);
        assertThat(store.findBest(none).toCompletableFuture().join()).isEmpty();
    }

    @Test
    void unrelatedVectorsAreNotReturned() {
        SemanticStore store = store();
        for (int i = 0; i < 20; i++) {
            put(store, "p1", "e" + i, unit(100 + i), "f", "a" + i, TTL);
        }
        assertThat(find(store, "p1", unit(999), 0.9)).isEmpty();
    }

    @Test
    void entriesExpireAfterTheirTtl() throws Exception {
        SemanticStore store = store();
        float[] v = unit(12);
        put(store, "p1", "short", v, "f", "a", shortTtl());
        assertThat(find(store, "p1", v, 0.9)).isPresent();

        elapse(shortTtl().plusMillis(100));
        assertThat(find(store, "p1", v, 0.9)).isEmpty();
    }

    @Test
    void aNewEntryForTheSameVectorIsFoundToo() {
        SemanticStore store = store();
        float[] v = unit(13);
        put(store, "p1", "old", v, "f", "old", TTL);
        put(store, "p1", "new", v, "f", "new", TTL);
        assertThat(find(store, "p1", v, 0.99)).map(m -> new String(m.answer(), StandardCharsets.UTF_8))
                .hasValueSatisfying(answer -> assertThat(answer).isIn("old", "new"));
    }

    static void put(SemanticStore store, String partition, String id, float[] vector, String features, String answer,
                    Duration ttl) {
        store.put(new StoreEntry(partition, id, LSH.bands(vector), vector, features,
                answer.getBytes(StandardCharsets.UTF_8), ttl)).toCompletableFuture().join();
    }

    static Optional<StoreMatch> find(SemanticStore store, String partition, float[] vector, double threshold) {
        return store.findBest(new StoreQuery(partition, LSH.bands(vector), vector, threshold, f -> true, 64))
                .toCompletableFuture().join();
    }

    static String uniquePrefix() {
        return "tiergate-test:" + UUID.randomUUID() + ":";
    }

    static float[] unit(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] v = new float[DIMS];
        for (int i = 0; i < DIMS; i++) {
            v[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return normalise(v);
    }

    static float[] near(float[] v, double noise, long seed) {
        float[] n = unit(seed);
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] + noise * n[i]);
        }
        return normalise(out);
    }

    static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    private static float[] normalise(float[] v) {
        double norm = Math.sqrt(dot(v, v));
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (v[i] / norm);
        }
        return v;
    }
}
