package dev.tiergate.inference.wordpiece;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Map;

/**
 * A WordPiece vocabulary packed for a small heap: every token's characters in one array and an
 * open-addressed table of ids, about 0.7 MB for BERT's 30,522 tokens where a {@code HashMap} of
 * strings takes some 3 MB. Lookups take a slice of a word, with or without the continuation prefix,
 * and allocate nothing.
 */
final class WordPieceVocabulary {
    private static final int NONE = -1;

    private final char[] characters;
    /** Token {@code id} is {@code characters[starts[id] .. starts[id + 1])}; an unused id is empty. */
    private final int[] starts;
    private final int[] slots;
    private final String continuationPrefix;

    private WordPieceVocabulary(char[] characters, int[] starts, int[] slots, String continuationPrefix) {
        this.characters = characters;
        this.starts = starts;
        this.slots = slots;
        this.continuationPrefix = continuationPrefix;
    }

    /** Packs {@code tokens} (token to id; ids from 0, unique). */
    static WordPieceVocabulary of(Map<String, Integer> tokens, String continuationPrefix) {
        requireNonNull(tokens, "tokens");
        requireNonNull(continuationPrefix, "continuationPrefix");
        int size = 0;
        int length = 0;
        for (Map.Entry<String, Integer> entry : tokens.entrySet()) {
            int id = entry.getValue();
            if (id < 0) {
                throw new IllegalArgumentException("vocabulary id of " + entry.getKey() + ": " + id + " (expected: >= 0)");
            }
            size = Math.max(size, id + 1);
            length += entry.getKey().length();
        }
        String[] byId = new String[size];
        for (Map.Entry<String, Integer> entry : tokens.entrySet()) {
            if (byId[entry.getValue()] != null) {
                throw new IllegalArgumentException("vocabulary id " + entry.getValue() + " used twice");
            }
            byId[entry.getValue()] = entry.getKey();
        }
        char[] characters = new char[length];
        int[] starts = new int[size + 1];
        int at = 0;
        for (int id = 0; id < size; id++) {
            starts[id] = at;
            if (byId[id] != null) {
                byId[id].getChars(0, byId[id].length(), characters, at);
                at += byId[id].length();
            }
        }
        starts[size] = at;
        int[] slots = new int[Integer.highestOneBit(Math.max(tokens.size(), 1) * 2) * 2];
        Arrays.fill(slots, NONE);
        WordPieceVocabulary vocabulary = new WordPieceVocabulary(characters, starts, slots, continuationPrefix);
        for (int id = 0; id < size; id++) {
            if (byId[id] != null) {
                vocabulary.insert(id);
            }
        }
        return vocabulary;
    }

    /** How many ids the vocabulary spans. */
    int size() {
        return starts.length - 1;
    }

    /** The token text of {@code id}. */
    String token(int id) {
        return new String(characters, starts[id], starts[id + 1] - starts[id]);
    }

    /** The id of a whole token, or -1. */
    int id(String token) {
        return id(token, 0, token.length(), false);
    }

    /**
     * The id of {@code word[from, to)}, preceded by the continuation prefix when {@code continuation};
     * -1 when the vocabulary lacks it.
     */
    int id(String word, int from, int to, boolean continuation) {
        String prefix = continuation ? continuationPrefix : "";
        int hash = 0;
        for (int i = 0; i < prefix.length(); i++) {
            hash = 31 * hash + prefix.charAt(i);
        }
        for (int i = from; i < to; i++) {
            hash = 31 * hash + word.charAt(i);
        }
        int mask = slots.length - 1;
        int length = prefix.length() + to - from;
        for (int slot = spread(hash) & mask; ; slot = (slot + 1) & mask) {
            int id = slots[slot];
            if (id == NONE) {
                return NONE;
            }
            if (starts[id + 1] - starts[id] == length && matches(id, prefix, word, from, to)) {
                return id;
            }
        }
    }

    private boolean matches(int id, String prefix, String word, int from, int to) {
        int at = starts[id];
        for (int i = 0; i < prefix.length(); i++) {
            if (characters[at++] != prefix.charAt(i)) {
                return false;
            }
        }
        for (int i = from; i < to; i++) {
            if (characters[at++] != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private void insert(int id) {
        int hash = 0;
        for (int i = starts[id]; i < starts[id + 1]; i++) {
            hash = 31 * hash + characters[i];
        }
        int mask = slots.length - 1;
        int slot = spread(hash) & mask;
        while (slots[slot] != NONE) {
            slot = (slot + 1) & mask;
        }
        slots[slot] = id;
    }

    private static int spread(int hash) {
        int h = hash * 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
