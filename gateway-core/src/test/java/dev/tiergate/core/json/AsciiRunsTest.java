package dev.tiergate.core.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The eight-byte tests against the byte-by-byte answer, for every byte value at every position among random others. */
class AsciiRunsTest {

    private static boolean plainTextByte(int b) {
        return b >= 0x20 && b < 0x80 && b != '"' && b != '\\';
    }

    private static boolean lineEndByte(int b) {
        return b == '\n' || b == '\r';
    }

    @Test
    void answersAsTheBytesOneByOneDo() {
        Random random = new Random(8);
        byte[] word = new byte[8];
        for (int round = 0; round < 200; round++) {
            for (int position = 0; position < 8; position++) {
                for (int value = 0; value < 256; value++) {
                    for (int k = 0; k < 8; k++) {   // other bytes: plain ones, now and then anything
                        word[k] = (byte) (round % 4 == 3 ? random.nextInt(256) : 0x20 + random.nextInt(0x60));
                    }
                    word[position] = (byte) value;
                    long asLong = (long) AsciiRuns.LONGS.get(word, 0);
                    boolean plain = true;
                    boolean noLineEnd = true;
                    for (byte b : word) {
                        plain &= plainTextByte(b & 0xFF);
                        noLineEnd &= !lineEndByte(b & 0xFF);
                    }
                    assertThat(AsciiRuns.plainText(asLong)).as("plain text %s", hex(word)).isEqualTo(plain);
                    assertThat(AsciiRuns.noLineEnd(asLong)).as("no line end %s", hex(word)).isEqualTo(noLineEnd);
                }
            }
        }
    }

    /** The skips stop on the first eight bytes that are not all ordinary, or where fewer than eight are left before the end. */
    @Test
    void skipsWholeOrdinaryWordsOnlyAndStopsBeforeTheEnd() {
        Random random = new Random(10);
        for (int round = 0; round < 20_000; round++) {
            byte[] bytes = new byte[random.nextInt(40)];
            for (int k = 0; k < bytes.length; k++) {
                bytes[k] = (byte) (random.nextInt(12) == 0 ? random.nextInt(256) : 0x20 + random.nextInt(0x60));
            }
            int from = bytes.length == 0 ? 0 : random.nextInt(bytes.length);
            int end = from + random.nextInt(bytes.length - from + 1);
            assertThat(AsciiRuns.skipPlainText(bytes, from, end)).isEqualTo(skipByWords(bytes, from, end, true));
            assertThat(AsciiRuns.skipNoLineEnd(bytes, from, end)).isEqualTo(skipByWords(bytes, from, end, false));
        }
    }

    /** The skip worked out byte by byte: whole words of eight ordinary bytes, none reaching past {@code end}. */
    private static int skipByWords(byte[] bytes, int from, int end, boolean plainText) {
        int i = from;
        while (i + 8 <= end) {
            for (int k = i; k < i + 8; k++) {
                int b = bytes[k] & 0xFF;
                if (plainText ? !plainTextByte(b) : lineEndByte(b)) {
                    return i;
                }
            }
            i += 8;
        }
        return i;
    }

    @Test
    void findsNoLineEndWhereThereIsNone() {
        Random random = new Random(9);
        byte[] word = new byte[8];
        for (int i = 0; i < 100_000; i++) {
            for (int k = 0; k < 8; k++) {
                int b;
                do {
                    b = random.nextInt(256);
                } while (lineEndByte(b));
                word[k] = (byte) b;
            }
            assertThat(AsciiRuns.noLineEnd((long) AsciiRuns.LONGS.get(word, 0))).as(hex(word)).isTrue();
        }
    }

    private static String hex(byte[] word) {
        return java.util.HexFormat.of().formatHex(word);
    }
}
