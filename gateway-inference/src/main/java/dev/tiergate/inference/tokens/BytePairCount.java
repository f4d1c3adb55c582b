package dev.tiergate.inference.tokens;

import java.util.Arrays;

/**
 * How many tokens byte-pair encoding makes of one pre-tokenized piece: the pair of adjacent parts
 * with the lowest rank is merged (the leftmost on a tie) until no adjacent pair is a token, as
 * tiktoken's {@code byte_pair_merge} does. A piece that is itself a token is one token. Short pieces
 * (the usual word or number) scan their parts for the lowest pair; long ones (a run of letters
 * without a space, say a base64 blob) keep the pairs in a heap, so the work grows as n log n, not n².
 */
final class BytePairCount {
    /** Pieces longer than this (bytes) merge through the heap. */
    static final int SCAN_LIMIT = 128;

    private BytePairCount() {
    }

    /** The number of tokens {@code piece[0, length)} is encoded to with {@code ranks}. */
    static int of(BpeRanks ranks, byte[] piece, int length) {
        if (length <= 1) {
            return length;
        }
        if (ranks.rank(piece, 0, length) != BpeRanks.NONE) {
            return 1;
        }
        return length <= SCAN_LIMIT ? scanning(ranks, piece, length) : withHeap(ranks, piece, length);
    }

    /** tiktoken's loop: parts[i] starts at starts[i]; pairRank[i] is the rank of parts i and i + 1 together. */
    static int scanning(BpeRanks ranks, byte[] piece, int length) {
        int[] starts = new int[length + 1];
        int[] pairRank = new int[length + 1];
        for (int i = 0; i <= length; i++) {
            starts[i] = i;
        }
        int parts = length;   // starts[0 .. parts] are the boundaries
        for (int i = 0; i + 1 < parts; i++) {
            pairRank[i] = ranks.rank(piece, starts[i], starts[i + 2]);
        }
        pairRank[parts - 1] = BpeRanks.NONE;
        while (parts > 1) {
            int best = BpeRanks.NONE;
            int at = -1;
            for (int i = 0; i + 1 < parts; i++) {
                if (pairRank[i] < best) {
                    best = pairRank[i];
                    at = i;
                }
            }
            if (at < 0) {
                break;
            }
            // merge parts at and at + 1: drop boundary at + 1
            System.arraycopy(starts, at + 2, starts, at + 1, parts - at - 1);
            System.arraycopy(pairRank, at + 2, pairRank, at + 1, parts - at - 2);
            parts--;
            pairRank[at] = at + 1 < parts ? ranks.rank(piece, starts[at], starts[at + 2]) : BpeRanks.NONE;
            if (at > 0) {
                pairRank[at - 1] = ranks.rank(piece, starts[at - 1], starts[at + 1]);
            }
        }
        return parts;
    }

    /**
     * The same merges, in the same order: the parts are a linked list of boundaries, the candidate
     * pairs a min-heap of {@code rank << 32 | start} (lowest rank first, then the leftmost); an entry
     * whose part has since merged or changed its pair is skipped when it comes up.
     */
    static int withHeap(BpeRanks ranks, byte[] piece, int length) {
        int[] next = new int[length + 1];
        int[] prev = new int[length + 1];
        int[] pairRank = new int[length + 1];
        boolean[] gone = new boolean[length + 1];
        PairHeap heap = new PairHeap(length);
        for (int i = 0; i <= length; i++) {
            next[i] = i + 1;
            prev[i] = i - 1;
        }
        int parts = length;
        for (int i = 0; i + 2 <= length; i++) {
            pairRank[i] = ranks.rank(piece, i, i + 2);
            heap.offer(pairRank[i], i);
        }
        pairRank[length - 1] = BpeRanks.NONE;
        while (!heap.isEmpty()) {
            long top = heap.poll();
            int at = (int) top;
            if (gone[at] || pairRank[at] != (int) (top >>> 32)) {
                continue;   // stale: the part merged away or its pair changed since
            }
            int removed = next[at];          // the boundary between the two parts
            gone[removed] = true;
            next[at] = next[removed];
            prev[next[removed]] = at;
            parts--;
            int end = next[at];
            pairRank[at] = end < length ? ranks.rank(piece, at, next[end]) : BpeRanks.NONE;
            heap.offer(pairRank[at], at);
            int before = prev[at];
            if (before >= 0) {
                pairRank[before] = ranks.rank(piece, before, end);
                heap.offer(pairRank[before], before);
            }
        }
        return parts;
    }

    /** A min-heap of {@code rank << 32 | start}: the lowest rank first, on a tie the leftmost part. */
    private static final class PairHeap {
        private long[] entries;
        private int size;

        PairHeap(int capacity) {
            entries = new long[Math.max(capacity, 2)];
        }

        boolean isEmpty() {
            return size == 0;
        }

        /** Adds the pair starting at {@code start}, unless its rank is {@link BpeRanks#NONE}. */
        void offer(int rank, int start) {
            if (rank == BpeRanks.NONE) {
                return;
            }
            if (size == entries.length) {
                entries = Arrays.copyOf(entries, size * 2);
            }
            long value = ((long) rank << 32) | start;
            int i = size++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (entries[parent] <= value) {
                    break;
                }
                entries[i] = entries[parent];
                i = parent;
            }
            entries[i] = value;
        }

        long poll() {
            long top = entries[0];
            long value = entries[--size];
            int i = 0;
            while (true) {
                int child = 2 * i + 1;
                if (child >= size) {
                    break;
                }
                if (child + 1 < size && entries[child + 1] < entries[child]) {
                    child++;
                }
                if (value <= entries[child]) {
                    break;
                }
                entries[i] = entries[child];
                i = child;
            }
            entries[i] = value;
            return top;
        }
    }
}
