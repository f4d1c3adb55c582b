package dev.tiergate.cache.semantic.store;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/** What a store can tell of one entry without opening it: where it is, when it was stored and expires, its size. */
public record StoredEntryInfo(String partition, String id, Instant storedAt, Instant expiresAt, long bytes) {
    public StoredEntryInfo {
        requireNonNull(partition, "partition");
        requireNonNull(id, "id");
    }
}
