package dev.tiergate.cache;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * What an admin sees of one cache entry: its id (the handle to invalidate it by), the namespace it
 * belongs to, when it was stored and expires, its approximate size, and for the exact cache who
 * answered (model, provider, tier). The semantic cache's entries are sealed, so only their id,
 * times and size are known there (model, provider and tier are null). Never prompt or answer text.
 */
public record CachedEntrySummary(String cache, String id, String namespace, Instant storedAt, Instant expiresAt,
                                 long bytes, String model, String provider, String tier) {
    public CachedEntrySummary {
        requireNonNull(cache, "cache");
        requireNonNull(id, "id");
        requireNonNull(namespace, "namespace");
    }
}
