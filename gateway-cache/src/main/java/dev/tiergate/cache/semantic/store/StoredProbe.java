package dev.tiergate.cache.semantic.store;

import static java.util.Objects.requireNonNull;

/** A candidate of a lookup: an entry id and its sealed {@link EntryPart#PROBE probe}. */
public record StoredProbe(String id, byte[] probe) {
    public StoredProbe {
        requireNonNull(id, "id");
        requireNonNull(probe, "probe");
    }
}
