package dev.tiergate.cache.semantic.store;

import java.util.Arrays;

/**
 * The LSH buckets of an {@link InMemorySemanticStore}: which entry ids lie in a partition's bucket.
 * Every entry lies in one bucket per LSH table and most buckets hold one id (a partition is one
 * conversation's context), so the index is compact: stripes of open-addressing hash tables keyed
 * by a long (the partition's hash with the LSH table, and the bucket number), each value the
 * bucket's one id or an array of its ids. A membership takes at most about
 * {@value #BYTES_PER_MEMBERSHIP} bytes, where a map of sets took over 250.
 *
 * <p>Two partitions whose hashes are equal may share keys: the store reads every candidate under
 * its own partition, so such a collision costs a read that finds nothing, never a candidate of
 * another partition.
 */
final class BucketIndex {
    /**
     * The heap one bucket membership takes at most while the store is full: a key and a value slot
     * (12 bytes) at the lowest load a table keeps while growing (3/8), rounded up. A bucket of many
     * ids costs less: a slot in its array.
     */
    static final int BYTES_PER_MEMBERSHIP = 32;

    private static final int STRIPE_BITS = 5;

    private final Stripe[] stripes = new Stripe[1 << STRIPE_BITS];

    BucketIndex() {
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new Stripe();
        }
    }

    /** Puts {@code id} in the bucket (no change when it is there). */
    void add(String partition, int table, int bucket, String id) {
        long key = key(partition, table, bucket);
        stripe(key).add(key, id);
    }

    /** Takes {@code id} out of the bucket; a bucket left empty goes. */
    void remove(String partition, int table, int bucket, String id) {
        long key = key(partition, table, bucket);
        stripe(key).remove(key, id);
    }

    /** Counts each of the bucket's ids in {@code ranking}. */
    void tally(String partition, int table, int bucket, CandidateRanking ranking) {
        long key = key(partition, table, bucket);
        stripe(key).tally(key, ranking);
    }

    /** Buckets holding at least one id. */
    int size() {
        int size = 0;
        for (Stripe stripe : stripes) {
            size += stripe.size();
        }
        return size;
    }

    private Stripe stripe(long key) {
        return stripes[(int) (mix(key) >>> (Long.SIZE - STRIPE_BITS))];
    }

    /** Within one partition, distinct for every (table, bucket). */
    private static long key(String partition, int table, int bucket) {
        return ((long) (partition.hashCode() * 31 + table) << Integer.SIZE) | (bucket & 0xFFFF_FFFFL);
    }

    /** MurmurHash3's 64-bit finalizer: the top bits pick the stripe, the low bits the slot. */
    private static long mix(long key) {
        long h = key;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    /**
     * One open-addressing table (linear probing, backward-shift removal, so no tombstones): grows at
     * 3/4 full, shrinks at 1/8. A value is a {@code String} (one id) or a {@code String[]} (several);
     * {@code null} marks a free slot.
     */
    private static final class Stripe {
        private static final int MIN_CAPACITY = 16;

        private long[] keys = new long[MIN_CAPACITY];
        private Object[] values = new Object[MIN_CAPACITY];
        private int size;

        synchronized void add(long key, String id) {
            int slot = slotOf(key);
            if (values[slot] != null) {
                values[slot] = withId(values[slot], id);
                return;
            }
            keys[slot] = key;
            values[slot] = id;
            size++;
            if (size * 4 > keys.length * 3) {
                resize(keys.length * 2);
            }
        }

        synchronized void remove(long key, String id) {
            int slot = slotOf(key);
            if (values[slot] == null) {
                return;
            }
            Object left = withoutId(values[slot], id);
            if (left != null) {
                values[slot] = left;
                return;
            }
            free(slot);
            size--;
            if (keys.length > MIN_CAPACITY && size * 8 < keys.length) {
                resize(keys.length / 2);
            }
        }

        synchronized void tally(long key, CandidateRanking ranking) {
            Object value = values[slotOf(key)];
            if (value instanceof String id) {
                ranking.saw(id);
            } else if (value instanceof String[] ids) {
                for (String id : ids) {
                    ranking.saw(id);
                }
            }
        }

        synchronized int size() {
            return size;
        }

        /** The slot holding {@code key}, or the free slot where it would go. */
        private int slotOf(long key) {
            int mask = keys.length - 1;
            int slot = (int) mix(key) & mask;
            while (values[slot] != null && keys[slot] != key) {
                slot = (slot + 1) & mask;
            }
            return slot;
        }

        /** Frees {@code slot}, moving back every later key of the run whose home is at or before it. */
        private void free(int slot) {
            int mask = keys.length - 1;
            int hole = slot;
            for (int next = (hole + 1) & mask; values[next] != null; next = (next + 1) & mask) {
                int home = (int) mix(keys[next]) & mask;
                if (((next - home) & mask) >= ((next - hole) & mask)) {
                    keys[hole] = keys[next];
                    values[hole] = values[next];
                    hole = next;
                }
            }
            keys[hole] = 0;
            values[hole] = null;
        }

        private void resize(int capacity) {
            long[] oldKeys = keys;
            Object[] oldValues = values;
            keys = new long[capacity];
            values = new Object[capacity];
            for (int i = 0; i < oldKeys.length; i++) {
                if (oldValues[i] != null) {
                    int slot = slotOf(oldKeys[i]);
                    keys[slot] = oldKeys[i];
                    values[slot] = oldValues[i];
                }
            }
        }

        private static Object withId(Object value, String id) {
            if (value instanceof String one) {
                return one.equals(id) ? one : new String[] {one, id};
            }
            String[] ids = (String[]) value;
            for (String present : ids) {
                if (present.equals(id)) {
                    return ids;
                }
            }
            String[] more = Arrays.copyOf(ids, ids.length + 1);
            more[ids.length] = id;
            return more;
        }

        /** The value without {@code id}; {@code null} when nothing is left. */
        private static Object withoutId(Object value, String id) {
            if (value instanceof String one) {
                return one.equals(id) ? null : one;
            }
            String[] ids = (String[]) value;
            int at = -1;
            for (int i = 0; i < ids.length && at < 0; i++) {
                if (ids[i].equals(id)) {
                    at = i;
                }
            }
            if (at < 0) {
                return ids;
            }
            if (ids.length == 2) {
                return ids[1 - at];
            }
            String[] fewer = new String[ids.length - 1];
            System.arraycopy(ids, 0, fewer, 0, at);
            System.arraycopy(ids, at + 1, fewer, at, ids.length - at - 1);
            return fewer;
        }
    }
}
