package dev.tiergate.inference.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The compact counter counts what jtokkit's own encodings count, text by text: hand-picked texts
 * (contractions, numbers, code, whitespace and line ends, scripts without spaces, emoji, combining
 * marks, lone surrogates), long runs that take the heap path, and seeded random strings drawn from
 * every part of Unicode the patterns tell apart.
 */
class CountsMatchJtokkitTest {
    private static final JtokkitTokenCounter O200K = JtokkitTokenCounter.o200k();
    private static final JtokkitTokenCounter CL100K = JtokkitTokenCounter.cl100k();
    private static final Encoding JTOKKIT_O200K = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
    private static final Encoding JTOKKIT_CL100K = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);

    private static final List<String> TEXTS = List.of(
            "What is the capital of France?",
            "I'm sure they'll say you've DONE it, isn't it? WE'RE HERE'S THEY'D",
            "Numbers: 1 12 123 1234 12345 3.14159 -42 1,000,000 ½ ² ٣٤٥ 一二三",
            "def f(x):\n    return {\"a\": [1, 2, 3]}  # comment\r\n\r\n\t\tpass\n\n\n",
            "   leading spaces and trailing   \n\n  \n",
            "こんにちは世界、今日はいい天気ですね。漢字とカタカナ",
            "Привет, как дела? Ελληνικά κείμενα. עברית ועוד. العربية هنا",
            "emoji 😀👍🏽👨‍👩‍👧‍👦 flags 🇫🇷🇩🇪 and ✓ ✗ → ←",
            "combining: e\u0301 a\u0308 n\u0303 Z\u0351\u0352\u0353 ǅ ǈ ǋ (titlecase)",
            "URLs https://example.com/path?q=1&r=2#frag and mail@example.org //comment /* block */",
            "<|endoftext|><|fim_prefix|> special tokens as text <|endofprompt|>",
            "lone \uD800 surrogate and \uDC00 other \uD83D, a pair \uD83D\uDE00 in between",
            "CamelCaseIdentifiersLikeThisOne and snake_case_names and SCREAMING_CASE",
            "\u00a0non-breaking\u2003em space\u3000ideographic\u2028line\u2029para\u0085nel\u000bvt\u000cff",
            "markdown **bold** _it_ `code` ```java\nint x = 1;\n``` | a | b |\n|---|---|",
            "x".repeat(1000),
            "ab".repeat(700) + " " + "9".repeat(40),
            "aGVsbG8gd29ybGQhIFRoaXMgaXMgYmFzZTY0".repeat(50),
            "😀".repeat(300),
            "漢字".repeat(400),
            " \n".repeat(200) + "!!!".repeat(200));

    @Test
    void handPickedTextsCountAsJtokkitCountsThem() {
        for (String text : TEXTS) {
            assertSameCounts(text);
        }
    }

    @Test
    void randomTextsCountAsJtokkitCountsThem() {
        Random random = new Random(20);
        int[][] blocks = {
            {0x20, 0x7e}, {0x20, 0x7e}, {0x20, 0x7e}, {0x09, 0x0d}, {0xa0, 0x24f}, {0x300, 0x36f},
            {0x370, 0x3ff}, {0x400, 0x4ff}, {0x590, 0x6ff}, {0x900, 0x97f}, {0x2000, 0x206f},
            {0x2100, 0x22ff}, {0x3000, 0x30ff}, {0x4e00, 0x4fff}, {0xac00, 0xad00}, {0xff00, 0xffef},
            {0x1f300, 0x1f64f}, {0x1d400, 0x1d7ff}, {0xd800, 0xdfff}};
        for (int n = 0; n < 3000; n++) {
            StringBuilder text = new StringBuilder();
            int length = 1 + random.nextInt(n % 50 == 0 ? 600 : 40);
            for (int i = 0; i < length; i++) {
                int[] block = blocks[random.nextInt(blocks.length)];
                text.appendCodePoint(block[0] + random.nextInt(block[1] - block[0] + 1));
            }
            assertSameCounts(text.toString());
        }
    }

    @Test
    void theHeapMergesAsTheScanDoes() {
        BpeRanks ranks = BpeRanks.load("/com/knuddels/jtokkit/o200k_base.tiktoken");
        Random random = new Random(7);
        List<String> pieces = new ArrayList<>(TEXTS);
        for (int n = 0; n < 500; n++) {
            StringBuilder piece = new StringBuilder();
            int length = 2 + random.nextInt(300);
            for (int i = 0; i < length; i++) {
                piece.append((char) (random.nextBoolean() ? 'a' + random.nextInt(26) : 0x400 + random.nextInt(64)));
            }
            pieces.add(piece.toString());
        }
        for (String piece : pieces) {
            byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
            assertThat(BytePairCount.withHeap(ranks, bytes, bytes.length))
                    .as("%s", piece).isEqualTo(BytePairCount.scanning(ranks, bytes, bytes.length));
        }
    }

    @Test
    void theTableHoldsEveryTokenOfTheVocabulary() {
        assertThat(BpeRanks.load("/com/knuddels/jtokkit/o200k_base.tiktoken").size()).isEqualTo(199_998);
        assertThat(BpeRanks.load("/com/knuddels/jtokkit/cl100k_base.tiktoken").size()).isEqualTo(100_256);
    }

    @Test
    void aLoneSurrogateCountsAsTheReplacementUtf8GivesIt() {
        // jtokkit's cl100k_base refuses such text ("Input is not UTF-8"); the counter counts what
        // the text's UTF-8 bytes are: each unpaired surrogate becomes '?', as o200k_base does too.
        String text = "lone \uD800 surrogate and \uDC00 other \uD83D";
        String replaced = "lone ? surrogate and ? other ?";
        assertThat(CL100K.text(text)).isEqualTo(JTOKKIT_CL100K.countTokensOrdinary(replaced));
        assertThat(O200K.text(text)).isEqualTo(JTOKKIT_O200K.countTokensOrdinary(replaced))
                .isEqualTo(JTOKKIT_O200K.countTokensOrdinary(text));
    }

    private static void assertSameCounts(String text) {
        // jtokkit's cl100k_base throws on unpaired surrogates: compare with what UTF-8 makes of them
        // (String.getBytes writes '?' for each; for valid text this is the text itself)
        String valid = new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
        assertThat(O200K.text(text)).as("o200k_base: %s", text).isEqualTo(JTOKKIT_O200K.countTokensOrdinary(text));
        assertThat(CL100K.text(text)).as("cl100k_base: %s", text).isEqualTo(JTOKKIT_CL100K.countTokensOrdinary(valid));
    }
}
