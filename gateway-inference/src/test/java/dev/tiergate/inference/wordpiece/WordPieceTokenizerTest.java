package dev.tiergate.inference.wordpiece;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tiergate.inference.OnnxRuntimeSetup;
import dev.tiergate.inference.embedding.EmbeddingModel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * Our WordPiece tokenizer against HuggingFace's Rust one, which it replaces: the same ids, token
 * texts and truncation for every prompt in the repository's training data, for text written to hit
 * each normalisation and splitting rule, and for random text over many scripts.
 */
class WordPieceTokenizerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * One character of each class a character can have moved between in later Unicode versions:
     * unassigned (U+0378), punctuation (U+2E3B), non-spacing mark (U+0301), format (U+200B).
     */
    private static final int[] STAND_INS = {0x0378, 0x2E3B, 0x0301, 0x200B};
    private static Set<Integer> newer;
    private static final List<Path> PROMPT_FILES = List.of(
            Path.of("../gateway-cache/training/data/chat-pairs.jsonl"),
            Path.of("../gateway-cache/training/data/validation-chat.jsonl"),
            Path.of("../gateway-cache/training/data/validation-near-misses.jsonl"),
            Path.of("../gateway-router/training/data/arena-bench-v1.jsonl"),
            Path.of("../gateway-router/training/data/everyday.jsonl"),
            Path.of("../gateway-router/training/data/open-ended.jsonl"));

    /** Written to exercise one rule each. */
    static final List<String> EDGE_CASES = List.of(
            "", " ", "\t\n\r ", "Hello, World!", "HELLO world", "don't stop-believing... (ok?)",
            "$100 + 5% = <tag> ^ `code` | ~tilde {brace} [bracket] @at #hash",
            "naïve café résumé Ångström façade", "Straße ß ẞ", "ﬁ ligature ﬂ", "ΣΊΣΥΦΟΣ Σ ς σ", "İstanbul ıi",
            "数字 中文字符 漢字 テスト カタカナ ひらがな", "한국어 텍스트 안녕하세요", "Привет, мир! Ёлка", "مرحبا بالعالم",
            "नमस्ते दुनिया", "สวัสดีชาวโลก", "שלום עולם", "Ｆｕｌｌｗｉｄｔｈ　ｓｐａｃｅ", "zero\u200Bwidth\u200Djoiner\uFEFFbom",
            "no\u00A0break\u2007figure\u202Fnarrow\u3000ideographic", "ctrl\u0000nul\u0001soh\u007Fdel\u0085nel\u000Bvt\u000Cff",
            "replacement \uFFFD char", "emoji 😀 🤖 👩‍💻 🇫🇷 ✓ ✗ ★", "math 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝟙𝟚𝟛 ∑∫√", "e\u0301 a\u0300 combining",
            "[CLS] [SEP] [PAD] [MASK] [UNK] inside", "a[SEP]b[sep]c[SEP", "##ing ## #", "unaffable unbelievably",
            "a".repeat(100), "b".repeat(101), "Supercalifragilisticexpialidocious" + "x".repeat(80),
            "email@example.com https://example.com/path?q=1&r=2#frag", "snake_case camelCase PascalCase kebab-case",
            "3.14159 1,000,000 10^9 1e-7 0xDEADBEEF", "«quotes» “curly” ‘single’ „low“ — – ‐ …",
            "private \uE000 use \uDB80\uDC00", "lone \uD800 surrogate", "tab\there", "line\nbreak\r\nwindows",
            "  leading and trailing  ", "Ⅻ Ⅸ ① ⑳ ½ ¾", "\u0F00 tibetan \u1000 myanmar", "x".repeat(2000),
            String.join(" ", java.util.Collections.nCopies(400, "word")));

    @ParameterizedTest
    @EnumSource(EmbeddingModel.class)
    void givesHuggingFacesTokensForEveryPromptInTheTrainingData(EmbeddingModel model) throws IOException {
        List<String> prompts = trainingPrompts();
        assertThat(prompts).hasSizeGreaterThan(5_000);
        assertSameTokens(model, model.maxTokens(), prompts);
    }

    @ParameterizedTest
    @EnumSource(EmbeddingModel.class)
    void givesHuggingFacesTokensForEachNormalisationAndSplittingRule(EmbeddingModel model) throws IOException {
        assertSameTokens(model, model.maxTokens(), EDGE_CASES);
        assertSameTokens(model, 16, EDGE_CASES);
    }

    /**
     * Every character of the Basic Multilingual Plane between two words: the same tokens, except for
     * the few characters assigned or recategorised since the Rust library's Unicode tables; for those
     * its tokens are what ours give for a character of the class its tables say (unassigned ones are
     * kept as letters, and so on).
     */
    @Test
    void givesHuggingFacesTokensForEveryCharacterButThoseNewerThanItsUnicodeTables() throws IOException {
        Set<Integer> newer = newerThanHuggingFacesTables();
        assertThat(newer).as("characters on which the two differ").hasSizeLessThan(300)
                .allSatisfy(cp -> assertThat(Character.isDefined(cp)).as("U+%04X assigned", cp).isTrue());
    }

    @Test
    void givesHuggingFacesTokensForRandomTextOverManyScripts() throws IOException {
        Set<Integer> newer = newerThanHuggingFacesTables();
        Random random = new Random(20261204);
        int[][] ranges = {{0x20, 0x7E}, {0x00, 0x1F}, {0xA0, 0x24F}, {0x300, 0x36F}, {0x370, 0x52F}, {0x590, 0x6FF},
                {0x900, 0x97F}, {0xE00, 0xE7F}, {0x1E00, 0x1FFF}, {0x2000, 0x206F}, {0x2190, 0x2BFF}, {0x3000, 0x30FF},
                {0x4E00, 0x9FFF}, {0xAC00, 0xD7A3}, {0xFF00, 0xFFEF}};
        List<String> texts = new ArrayList<>();
        for (int n = 0; n < 3_000; n++) {
            StringBuilder text = new StringBuilder();
            int length = 1 + random.nextInt(40);
            for (int i = 0; i < length; i++) {
                int[] range = ranges[random.nextInt(ranges.length)];
                int cp = range[0] + random.nextInt(range[1] - range[0] + 1);
                if (!newer.contains(cp)) {
                    text.appendCodePoint(cp);
                }
                if (random.nextInt(5) == 0) {
                    text.append(' ');
                }
            }
            texts.add(text.toString());
        }
        assertSameTokens(EmbeddingModel.ALL_MINILM_L6_V2_Q, 64, texts);
    }

    /** The BMP characters on which the two differ, each checked to be one the Rust library sees as unassigned. */
    private static synchronized Set<Integer> newerThanHuggingFacesTables() throws IOException {
        if (newer != null) {
            return newer;
        }
        Set<Integer> found = new TreeSet<>();
        EmbeddingModel model = EmbeddingModel.ALL_MINILM_L6_V2_Q;
        WordPieceTokenizer ours = ours(model, 16);
        try (HuggingFaceTokenizer theirs = huggingFace(model, 16)) {
            for (int cp = 0; cp <= 0xFFFF; cp++) {
                if (Character.isSurrogate((char) cp)) {
                    continue;
                }
                String text = "a " + Character.toString(cp) + "b c";
                String[] expected = theirs.encode(text).getTokens();
                if (!Arrays.equals(ours.encode(text).tokens(), expected)) {
                    assertThat(IntStream.of(STAND_INS).mapToObj(other -> ours.encode("a " + Character.toString(other)
                            + "b c").tokens()))
                            .as("U+%04X, which the Rust library's Unicode tables put in another class", cp)
                            .anySatisfy(tokens -> assertThat(tokens).containsExactly(expected));
                    found.add(cp);
                }
            }
        }
        newer = Set.copyOf(found);
        return newer;
    }

    @Test
    void marksATextLongerThanTheWindowAsTruncated() throws IOException {
        WordPieceTokenizer tokenizer = ours(EmbeddingModel.ALL_MINILM_L6_V2_Q, 8);
        WordPieceEncoding fits = tokenizer.encode("one two three four five six");
        assertThat(fits.truncated()).isFalse();
        assertThat(fits.tokens()).containsExactly("[CLS]", "one", "two", "three", "four", "five", "six", "[SEP]");
        WordPieceEncoding cut = tokenizer.encode("one two three four five six seven");
        assertThat(cut.truncated()).isTrue();
        assertThat(cut.tokens()).containsExactly("[CLS]", "one", "two", "three", "four", "five", "six", "[SEP]");
    }

    @Test
    void refusesATokenizerOfAnotherKind() throws IOException {
        JsonNode file = JSON.readTree(resource(EmbeddingModel.ALL_MINILM_L6_V2_Q));
        ((com.fasterxml.jackson.databind.node.ObjectNode) file.path("model")).put("type", "BPE");
        byte[] bytes = JSON.writeValueAsBytes(file);
        assertThatThrownBy(() -> WordPieceTokenizer.load(new ByteArrayInputStream(bytes), 256))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tokenizer.json: model of type BPE (expected: WordPiece)");
    }

    @Test
    void refusesAWindowWithNoRoomForText() {
        assertThatThrownBy(() -> ours(EmbeddingModel.ALL_MINILM_L6_V2_Q, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxTokens: 2 (expected: > 2, the special tokens)");
    }

    private static void assertSameTokens(EmbeddingModel model, int maxTokens, List<String> texts) throws IOException {
        WordPieceTokenizer ours = ours(model, maxTokens);
        try (HuggingFaceTokenizer theirs = huggingFace(model, maxTokens)) {
            for (String text : texts) {
                Encoding expected = theirs.encode(text);
                WordPieceEncoding actual = ours.encode(text);
                String what = model.id() + " on " + JSON.writeValueAsString(text);
                assertThat(actual.tokens()).as(what).containsExactly(expected.getTokens());
                assertThat(actual.ids()).as(what).containsExactly(expected.getIds());
                assertThat(actual.truncated()).as(what).isEqualTo(expected.exceedMaxLength());
                assertThat(expected.getAttentionMask()).as(what).containsOnly(1L);
                assertThat(expected.getTypeIds()).as(what).containsOnly(0L);
            }
        }
    }

    private static WordPieceTokenizer ours(EmbeddingModel model, int maxTokens) throws IOException {
        try (InputStream in = resource(model)) {
            return WordPieceTokenizer.load(in, maxTokens);
        }
    }

    private static HuggingFaceTokenizer huggingFace(EmbeddingModel model, int maxTokens) throws IOException {
        OnnxRuntimeSetup.enforceOffline();
        try (InputStream in = resource(model)) {
            return HuggingFaceTokenizer.newInstance(in, Map.of("truncation", "true", "padding", "false",
                    "maxLength", Integer.toString(maxTokens), "addSpecialTokens", "true"));
        }
    }

    private static InputStream resource(EmbeddingModel model) {
        InputStream in = WordPieceTokenizerTest.class.getClassLoader().getResourceAsStream(model.tokenizerResource());
        assertThat(in).as(model.tokenizerResource()).isNotNull();
        return in;
    }

    /** Every string value in the repository's prompt data. */
    private static List<String> trainingPrompts() throws IOException {
        List<String> prompts = new ArrayList<>();
        for (Path file : PROMPT_FILES) {
            try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
                lines.filter(line -> !line.isBlank()).forEach(line -> collectStrings(readLine(line), prompts));
            }
        }
        return prompts;
    }

    private static JsonNode readLine(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new IllegalStateException("not JSON: " + line, e);
        }
    }

    private static void collectStrings(JsonNode node, List<String> into) {
        if (node.isTextual()) {
            into.add(node.asText());
        } else {
            node.forEach(child -> collectStrings(child, into));
        }
    }
}
