package dev.tiergate.cache.semantic.store;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Where the semantic cache keeps its entries: per partition, LSH buckets of entry ids, and per
 * entry three opaque parts ({@link EntryPart}), each entry living for its TTL. A store sees only
 * keyed partition and bucket names and sealed bytes: the stage encrypts every part and compares
 * vectors itself, so nothing a store holds reveals a prompt or an answer.
 *
 * <p>Two implementations behave the same (one contract test runs against both):
 * {@link InMemorySemanticStore}, bounded and local, the default; and {@link RedisSemanticStore},
 * shared by replicas. Calls never block; a store that cannot answer (Redis down) fails the
 * returned stage, and the caller treats that as a miss.
 */
public interface SemanticStore extends AutoCloseable {

    /**
     * The live entries of {@code partition} that share at least one bucket with {@code buckets}
     * (one per LSH table), at most {@code max}, each with its probe part.
     */
    CompletionStage<List<StoredProbe>> candidates(String partition, int[] buckets, int max);

    /** One part of each of {@code ids}, in order; {@code null} for an entry that is gone. */
    CompletionStage<List<byte[]>> read(String partition, List<String> ids, EntryPart part);

    /** Stores an entry under its buckets for its TTL. */
    CompletionStage<Void> put(StoreEntry entry);

    /** The live entries of {@code group} (see {@link StoreEntry#group}), at most {@code max}: an admin view. */
    CompletionStage<List<StoredEntryInfo>> entries(String group, int max);

    /** Removes every entry of {@code group}; completes with how many were removed. */
    CompletionStage<Integer> invalidate(String group);

    /** Removes the entry {@code id} of {@code group}; completes with whether it was there. */
    CompletionStage<Boolean> invalidate(String group, String id);

    /** A short name for logs and metrics: {@code memory} or {@code redis}. */
    String kind();

    @Override
    default void close() {
    }
}
