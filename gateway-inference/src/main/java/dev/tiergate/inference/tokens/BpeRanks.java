package dev.tiergate.inference.tokens;

import static java.util.Objects.requireNonNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * A BPE vocabulary's ranks in three flat arrays: every token's bytes one after the other, where each
 * token starts, and an open-addressing table from a byte string to its token (a fourth holds the
 * ranks only when they are not the tokens' order in the file). About 4.5 MB for
 * o200k_base's 200,000 tokens, where jtokkit's maps of boxed keys and values (and a decoder the
 * gateway never uses) take 26 MB of heap. Immutable and thread-safe.
 */
final class BpeRanks {
    /** A rank no token has: the pair is not in the vocabulary. */
    static final int NONE = Integer.MAX_VALUE;

    private final byte[] bytes;
    private final int[] starts;   // token i is bytes[starts[i] .. starts[i + 1])
    private final int[] ranks;    // token i's rank; null when every token's rank is its index (tiktoken's files)
    private final int tokens;
    private final int[] slots;    // token index + 1, 0 = empty; size a power of two
    private final int mask;

    private BpeRanks(byte[] bytes, int[] starts, int[] ranks) {
        this.bytes = bytes;
        this.starts = starts;
        this.tokens = ranks.length;
        this.ranks = isIdentity(ranks) ? null : ranks;
        this.slots = new int[Integer.highestOneBit(Math.max(tokens, 1) * 2) * 2];  // load factor <= 1/2
        this.mask = slots.length - 1;
        for (int token = 0; token < tokens; token++) {
            int slot = hash(bytes, starts[token], starts[token + 1]) & mask;
            while (slots[slot] != 0) {
                slot = (slot + 1) & mask;
            }
            slots[slot] = token + 1;
        }
    }

    /**
     * Reads a {@code .tiktoken} file (one {@code base64-of-the-token's-bytes rank} per line), e.g.
     * jtokkit's {@code /com/knuddels/jtokkit/o200k_base.tiktoken}.
     *
     * @throws IllegalStateException when the resource is missing or a line is not {@code base64 rank}
     */
    static BpeRanks load(String resource) {
        requireNonNull(resource, "resource");
        InputStream in = BpeRanks.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("BPE vocabulary not found: " + resource);
        }
        Base64.Decoder base64 = Base64.getDecoder();
        byte[] bytes = new byte[1 << 20];
        int[] starts = new int[1 << 16];
        int[] ranks = new int[1 << 16];
        int tokens = 0;
        int end = 0;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                int space = line.indexOf(' ');
                if (space <= 0) {
                    throw new IllegalStateException("not 'base64 rank' in " + resource + ": " + line);
                }
                byte[] token = base64.decode(line.substring(0, space));
                int rank = Integer.parseInt(line.substring(space + 1).trim());
                if (end + token.length > bytes.length) {
                    bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, end + token.length));
                }
                if (tokens + 1 >= starts.length) {
                    starts = Arrays.copyOf(starts, starts.length * 2);
                    ranks = Arrays.copyOf(ranks, ranks.length * 2);
                }
                System.arraycopy(token, 0, bytes, end, token.length);
                starts[tokens] = end;
                ranks[tokens] = rank;
                tokens++;
                end += token.length;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("not 'base64 rank' in " + resource + ": " + e.getMessage(), e);
        }
        starts[tokens] = end;
        return new BpeRanks(Arrays.copyOf(bytes, end), Arrays.copyOf(starts, tokens + 1), Arrays.copyOf(ranks, tokens));
    }

    private static boolean isIdentity(int[] ranks) {
        for (int i = 0; i < ranks.length; i++) {
            if (ranks[i] != i) {
                return false;
            }
        }
        return true;
    }

    /** How many tokens the vocabulary has. */
    int size() {
        return tokens;
    }

    /** The rank of the token whose bytes are {@code piece[from, to)}, or {@link #NONE}. */
    int rank(byte[] piece, int from, int to) {
        int length = to - from;
        for (int slot = hash(piece, from, to) & mask; ; slot = (slot + 1) & mask) {
            int entry = slots[slot];
            if (entry == 0) {
                return NONE;
            }
            int token = entry - 1;
            int start = starts[token];
            if (starts[token + 1] - start == length
                    && Arrays.equals(bytes, start, start + length, piece, from, to)) {
                return ranks == null ? token : ranks[token];
            }
        }
    }

    private static int hash(byte[] data, int from, int to) {
        int h = 0x9E3779B9 * (to - from + 1);
        for (int i = from; i < to; i++) {
            h = (h ^ (data[i] & 0xFF)) * 0x01000193;
        }
        return h ^ (h >>> 15) ^ (h >>> 7);
    }
}
