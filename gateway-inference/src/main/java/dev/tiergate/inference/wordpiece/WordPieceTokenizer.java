package dev.tiergate.inference.wordpiece;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A BERT WordPiece tokenizer in plain Java, read from a HuggingFace {@code tokenizer.json}
 * ({@code BertNormalizer}, {@code BertPreTokenizer}, {@code WordPiece}, a {@code [CLS] … [SEP]}
 * template) and giving the same tokens as HuggingFace's Rust tokenizer: special tokens written in the
 * text are kept whole, the rest is normalized, split on whitespace and punctuation and cut into the
 * longest vocabulary pieces, and a text longer than the window loses its end. It replaces a native
 * library and its vocabulary held outside the heap; files of other kinds are refused at load.
 *
 * <p>Immutable and thread-safe.
 */
public final class WordPieceTokenizer {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WordPieceVocabulary vocabulary;
    private final BertNormalizer normalizer;
    private final SpecialTokens specials;
    private final int unknownId;
    private final int maxCharactersPerWord;
    private final int[] prefixIds;
    private final int[] suffixIds;
    private final int maxTokens;

    private WordPieceTokenizer(WordPieceVocabulary vocabulary, BertNormalizer normalizer, SpecialTokens specials,
                               int unknownId, int maxCharactersPerWord, int[] prefixIds, int[] suffixIds,
                               int maxTokens) {
        this.vocabulary = vocabulary;
        this.normalizer = normalizer;
        this.specials = specials;
        this.unknownId = unknownId;
        this.maxCharactersPerWord = maxCharactersPerWord;
        this.prefixIds = prefixIds;
        this.suffixIds = suffixIds;
        this.maxTokens = maxTokens;
    }

    /**
     * Reads {@code tokenizer.json}; encodings hold at most {@code maxTokens} tokens, the special ones
     * included.
     *
     * @throws IOException              when the stream cannot be read or is not JSON
     * @throws IllegalArgumentException when the file describes another kind of tokenizer
     */
    public static WordPieceTokenizer load(InputStream tokenizerJson, int maxTokens) throws IOException {
        requireNonNull(tokenizerJson, "tokenizerJson");
        JsonNode root = JSON.readTree(tokenizerJson);
        JsonNode model = expectType(root.path("model"), "model", "WordPiece");
        String prefix = model.path("continuing_subword_prefix").asText("##");
        Map<String, Integer> tokens = new HashMap<>(model.path("vocab").size() * 2);
        model.path("vocab").properties().forEach(entry -> tokens.put(entry.getKey(), entry.getValue().asInt()));
        if (tokens.isEmpty()) {
            throw new IllegalArgumentException("tokenizer.json: model.vocab is empty (expected: the WordPiece vocabulary)");
        }
        WordPieceVocabulary vocabulary = WordPieceVocabulary.of(tokens, prefix);
        String unknown = model.path("unk_token").asText("[UNK]");
        int unknownId = vocabulary.id(unknown);
        if (unknownId < 0) {
            throw new IllegalArgumentException("tokenizer.json: unk_token " + unknown + " is not in the vocabulary");
        }
        int maxCharacters = model.path("max_input_chars_per_word").asInt(100);

        BertNormalizer normalizer = normalizer(root.path("normalizer"));
        expectType(root.path("pre_tokenizer"), "pre_tokenizer", "BertPreTokenizer");
        SpecialTokens specials = SpecialTokens.of(root.path("added_tokens"));
        int[][] template = template(root.path("post_processor"), vocabulary, specials);
        if (maxTokens < template[0].length + template[1].length + 1) {
            throw new IllegalArgumentException("maxTokens: " + maxTokens + " (expected: > "
                    + (template[0].length + template[1].length) + ", the special tokens)");
        }
        return new WordPieceTokenizer(vocabulary, normalizer, specials, unknownId, maxCharacters, template[0],
                template[1], maxTokens);
    }

    /** The longest encoding, special tokens included. */
    public int maxTokens() {
        return maxTokens;
    }

    /** The tokens of {@code text}, cut to {@link #maxTokens()}. */
    public WordPieceEncoding encode(String text) {
        requireNonNull(text, "text");
        int room = maxTokens - prefixIds.length - suffixIds.length;
        IdBuffer sequence = new IdBuffer(Math.min(room + 1, 64));
        int at = 0;
        while (at < text.length() && sequence.size() <= room) {
            SpecialTokens.Match special = specials.next(text, at);
            int end = special == null ? text.length() : special.start();
            if (end > at) {
                splitWords(normalizer.normalize(text.substring(at, end)), sequence, room);
            }
            if (special == null) {
                break;
            }
            sequence.add(special.id());
            at = special.end();
        }
        boolean truncated = sequence.size() > room;
        int kept = Math.min(sequence.size(), room);
        long[] ids = new long[prefixIds.length + kept + suffixIds.length];
        int i = 0;
        for (int id : prefixIds) {
            ids[i++] = id;
        }
        for (int j = 0; j < kept; j++) {
            ids[i++] = sequence.get(j);
        }
        for (int id : suffixIds) {
            ids[i++] = id;
        }
        String[] texts = new String[ids.length];
        for (int j = 0; j < ids.length; j++) {
            texts[j] = tokenText((int) ids[j]);
        }
        return new WordPieceEncoding(ids, texts, truncated);
    }

    private String tokenText(int id) {
        String special = specials.text(id);
        return special != null ? special : vocabulary.token(id);
    }

    /** BertPreTokenizer: words end at whitespace (dropped) and each punctuation mark is a word. */
    private void splitWords(String normalized, IdBuffer out, int room) {
        int wordStart = -1;
        int i = 0;
        while (i < normalized.length() && out.size() <= room) {
            int cp = normalized.codePointAt(i);
            int next = i + Character.charCount(cp);
            if (Characters.isWhitespace(cp)) {
                if (wordStart >= 0) {
                    pieces(normalized, wordStart, i, out);
                    wordStart = -1;
                }
            } else if (Characters.isPunctuation(cp)) {
                if (wordStart >= 0) {
                    pieces(normalized, wordStart, i, out);
                    wordStart = -1;
                }
                pieces(normalized, i, next, out);
            } else if (wordStart < 0) {
                wordStart = i;
            }
            i = next;
        }
        if (wordStart >= 0 && out.size() <= room) {
            pieces(normalized, wordStart, normalized.length(), out);
        }
    }

    /** WordPiece: the longest vocabulary piece first, then the longest continuation, or one unknown. */
    private void pieces(String text, int from, int to, IdBuffer out) {
        if (text.codePointCount(from, to) > maxCharactersPerWord) {
            out.add(unknownId);
            return;
        }
        int mark = out.size();
        int start = from;
        while (start < to) {
            int end = to;
            int found = -1;
            while (start < end) {
                found = vocabulary.id(text, start, end, start > from);
                if (found >= 0) {
                    break;
                }
                end--;
                if (end > start && Character.isLowSurrogate(text.charAt(end))
                        && Character.isHighSurrogate(text.charAt(end - 1))) {
                    end--;
                }
            }
            if (found < 0) {
                out.truncate(mark);
                out.add(unknownId);
                return;
            }
            out.add(found);
            start = end;
        }
    }

    private static BertNormalizer normalizer(JsonNode node) {
        expectType(node, "normalizer", "BertNormalizer");
        boolean lowercase = node.path("lowercase").asBoolean(true);
        JsonNode strip = node.path("strip_accents");
        boolean stripAccents = strip.isBoolean() ? strip.asBoolean() : lowercase;
        return new BertNormalizer(node.path("clean_text").asBoolean(true),
                node.path("handle_chinese_chars").asBoolean(true), stripAccents, lowercase);
    }

    /** The ids before and after one sequence: {@code [CLS]} and {@code [SEP]} for BERT. */
    private static int[][] template(JsonNode node, WordPieceVocabulary vocabulary, SpecialTokens specials) {
        String type = node.path("type").asText("");
        if (type.equals("BertProcessing")) {
            return new int[][] {{node.path("cls").path(1).asInt()}, {node.path("sep").path(1).asInt()}};
        }
        expectType(node, "post_processor", "TemplateProcessing");
        List<Integer> before = new ArrayList<>();
        List<Integer> after = new ArrayList<>();
        boolean sequenceSeen = false;
        for (JsonNode piece : node.path("single")) {
            if (piece.has("Sequence")) {
                sequenceSeen = true;
                continue;
            }
            String token = piece.path("SpecialToken").path("id").asText();
            JsonNode ids = node.path("special_tokens").path(token).path("ids");
            List<Integer> side = sequenceSeen ? after : before;
            if (ids.isArray() && !ids.isEmpty()) {
                ids.forEach(id -> side.add(id.asInt()));
            } else {
                int id = specials.id(token);
                side.add(id >= 0 ? id : vocabulary.id(token));
            }
        }
        if (!sequenceSeen || before.contains(-1) || after.contains(-1)) {
            throw new IllegalArgumentException("tokenizer.json: post_processor.single " + node.path("single")
                    + " (expected: special tokens around one sequence)");
        }
        return new int[][] {before.stream().mapToInt(Integer::intValue).toArray(),
                after.stream().mapToInt(Integer::intValue).toArray()};
    }

    private static JsonNode expectType(JsonNode node, String name, String type) {
        if (!type.equals(node.path("type").asText(null))) {
            throw new IllegalArgumentException("tokenizer.json: " + name + " of type " + node.path("type").asText("none")
                    + " (expected: " + type + ")");
        }
        return node;
    }

    /** The added tokens matched whole in the raw text, longest first at the leftmost place. */
    private record SpecialTokens(String[] texts, int[] ids, Map<Integer, String> byId) {
        record Match(int start, int end, int id) {
        }

        static SpecialTokens of(JsonNode added) {
            Map<String, Integer> tokens = new LinkedHashMap<>();
            for (JsonNode token : added) {
                if (token.path("normalized").asBoolean(false) || token.path("single_word").asBoolean(false)
                        || token.path("lstrip").asBoolean(false) || token.path("rstrip").asBoolean(false)) {
                    throw new IllegalArgumentException("tokenizer.json: added token " + token.path("content").asText()
                            + " (expected: matched as written, not normalized, single_word, lstrip or rstrip)");
                }
                tokens.put(token.path("content").asText(), token.path("id").asInt());
            }
            String[] texts = tokens.keySet().toArray(String[]::new);
            Arrays.sort(texts, (a, b) -> Integer.compare(b.length(), a.length()));
            int[] ids = new int[texts.length];
            Map<Integer, String> byId = new HashMap<>();
            for (int i = 0; i < texts.length; i++) {
                ids[i] = tokens.get(texts[i]);
                byId.put(ids[i], texts[i]);
            }
            return new SpecialTokens(texts, ids, Map.copyOf(byId));
        }

        /** The first added token in {@code text} at or after {@code from}, the longest where several start there; or null. */
        Match next(String text, int from) {
            Match first = null;
            for (int i = 0; i < texts.length; i++) {   // longest first, so a tie keeps the longer
                int at = texts[i].isEmpty() ? -1 : text.indexOf(texts[i], from);
                if (at >= 0 && (first == null || at < first.start())) {
                    first = new Match(at, at + texts[i].length(), ids[i]);
                }
            }
            return first;
        }

        int id(String text) {
            for (int i = 0; i < texts.length; i++) {
                if (texts[i].equals(text)) {
                    return ids[i];
                }
            }
            return -1;
        }

        String text(int id) {
            return byId.get(id);
        }
    }

    /** A growable list of ints. */
    private static final class IdBuffer {
        private int[] ids;
        private int size;

        IdBuffer(int capacity) {
            ids = new int[Math.max(capacity, 8)];
        }

        void add(int id) {
            if (size == ids.length) {
                ids = Arrays.copyOf(ids, size * 2);
            }
            ids[size++] = id;
        }

        int get(int index) {
            return ids[index];
        }

        int size() {
            return size;
        }

        void truncate(int newSize) {
            size = newSize;
        }
    }
}
