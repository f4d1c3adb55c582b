package dev.tiergate.cache.semantic.store;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Where the semantic cache keeps its entries: per partition (namespace, context fingerprint and
 * embedding model, hashed), LSH buckets of entry ids, and per entry its vector, its guard
 * features and the (possibly encrypted) answer, each living for its TTL. Holds no prompt text.
 *
 * <p>Two implementations behave the same (one contract test runs against both):
 * {@link InMemorySemanticStore}, bounded and local, the default; and {@link RedisSemanticStore},
 * shared by replicas. Calls never block; a store that cannot answer (Redis down) fails the
 * returned stage, and the caller treats that as a miss.
 */
public interface SemanticStore extends AutoCloseable {

    /**
     * The live entry of the query's partition that shares at least one bucket with the query,
     * passes its feature filter, and is the most similar at or above its minimum similarity.
     */
    CompletionStage<Optional<StoreMatch>> findBest(StoreQuery query);

    /** Stores an entry under its buckets for its TTL. */
    CompletionStage<Void> put(StoreEntry entry);

    /** A short name for logs and metrics: {@code memory} or {@code redis}. */
    String kind();

    @Override
    default void close() {
    }
}
