package dev.tiergate.cache.semantic.store;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * One cache entry as a store keeps it: its (keyed) partition and random id, its (keyed) bucket in
 * each LSH table, three opaque parts the stage sealed ({@link EntryPart}), and its TTL. A store
 * never looks inside the parts.
 *
 * @param probe    read for every candidate of a lookup (the sealed vector and guard features)
 * @param evidence read for the few candidates the verifier checks; empty when none is kept
 * @param answer   read for the one entry that answers
 * @param group    the (keyed) namespace the entry belongs to, by which an admin lists and removes a
 *                 namespace's entries across its partitions; empty for none
 */
public record StoreEntry(
        String partition,
        String id,
        int[] buckets,
        byte[] probe,
        byte[] evidence,
        byte[] answer,
        Duration ttl,
        String group) {

    public StoreEntry {
        requireNonNull(partition, "partition");
        requireNonNull(id, "id");
        requireNonNull(buckets, "buckets");
        requireNonNull(probe, "probe");
        requireNonNull(evidence, "evidence");
        requireNonNull(answer, "answer");
        requireNonNull(ttl, "ttl");
        requireNonNull(group, "group");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl: " + ttl + " (expected: > 0)");
        }
    }

    /** An entry of no group. */
    public StoreEntry(String partition, String id, int[] buckets, byte[] probe, byte[] evidence, byte[] answer,
                      Duration ttl) {
        this(partition, id, buckets, probe, evidence, answer, ttl, "");
    }

    /** The bytes of one part. */
    public byte[] part(EntryPart part) {
        return switch (part) {
            case PROBE -> probe;
            case EVIDENCE -> evidence;
            case ANSWER -> answer;
        };
    }

    /** Approximate bytes held: the parts and some overhead. */
    public long weight() {
        return 256L + probe.length + evidence.length + answer.length + 16L * buckets.length;
    }
}
