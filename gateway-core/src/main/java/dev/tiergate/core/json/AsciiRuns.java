package dev.tiergate.core.json;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Tests on eight bytes at once (one {@code long} read from a byte array), for scanners that skip
 * runs of ordinary bytes: whether none of them ends a JSON string's plain run (a quote, a
 * backslash, a control character or a byte of a multi-byte character), or a line. Exact: the same
 * answer as the eight bytes tested one by one ({@code AsciiRunsTest}).
 */
public final class AsciiRuns {
    /** Eight bytes of a {@code byte[]} at any offset as one {@code long}, the first byte lowest. */
    static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long QUOTES = 0x2222222222222222L;
    private static final long BACKSLASHES = 0x5C5C5C5C5C5C5C5CL;
    private static final long SPACES = 0x2020202020202020L;
    private static final long LINE_FEEDS = 0x0A0A0A0A0A0A0A0AL;
    private static final long CARRIAGE_RETURNS = 0x0D0D0D0D0D0D0D0DL;

    private AsciiRuns() {
    }

    /** Whether the eight bytes of {@code word} are printable ASCII other than {@code "} and {@code \}. */
    static boolean plainText(long word) {
        return ((zeroBytes(word ^ QUOTES) | zeroBytes(word ^ BACKSLASHES) | (word - SPACES) | word) & HIGHS) == 0;
    }

    /** Whether none of the eight bytes of {@code word} is a line feed or a carriage return. */
    static boolean noLineEnd(long word) {
        return ((zeroBytes(word ^ LINE_FEEDS) | zeroBytes(word ^ CARRIAGE_RETURNS)) & HIGHS) == 0;
    }

    /**
     * Where a scan of {@code bytes} from {@code from} must go on byte by byte: past every whole
     * eight bytes of plain text ({@link #plainText}) that lie before {@code end}.
     */
    public static int skipPlainText(byte[] bytes, int from, int end) {
        int i = from;
        for (int last = end - Long.BYTES; i <= last && plainText((long) LONGS.get(bytes, i)); ) {
            i += Long.BYTES;
        }
        return i;
    }

    /** As {@link #skipPlainText}, past eight bytes at a time with no line end ({@link #noLineEnd}). */
    public static int skipNoLineEnd(byte[] bytes, int from, int end) {
        int i = from;
        for (int last = end - Long.BYTES; i <= last && noLineEnd((long) LONGS.get(bytes, i)); ) {
            i += Long.BYTES;
        }
        return i;
    }

    /** High bit set in (at least) each byte of {@code word} that is zero. */
    private static long zeroBytes(long word) {
        return (word - ONES) & ~word;
    }
}
