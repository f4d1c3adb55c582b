package dev.tiergate.cache.semantic.store;

import static java.util.Objects.requireNonNull;

/** The entry a lookup found: its id, its cosine similarity to the query, and its answer bytes. */
public record StoreMatch(String id, double similarity, byte[] answer) {
    public StoreMatch {
        requireNonNull(id, "id");
        requireNonNull(answer, "answer");
    }
}
