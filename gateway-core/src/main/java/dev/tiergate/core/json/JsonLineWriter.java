package dev.tiergate.core.json;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A JSON text written field by field into a reusable byte array, for the lines the gateway writes
 * per request (the usage file's records, the request log): no generator, no serializer lookup and
 * no string per value. The bytes are the ones Jackson's default UTF-8 generator writes for the same
 * calls ({@code JsonLineWriterTest}): strings escaped as Jackson escapes them ({@code \"},
 * {@code \\}, {@code \b \t \n \f \r}, other control characters and UTF-16 surrogates as
 * {@code \}{@code u00XX}, upper-case), other characters as UTF-8; decimals as the generator
 * writes them by default or plain; doubles as
 * {@link Double#toString}. Commas between fields and values are placed by the writer. Field names
 * are written as given: they must be plain ASCII (the callers' constants). Not thread-safe: one
 * writer per thread, {@link #reset()} between lines.
 */
public final class JsonLineWriter {
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
    /** Per ASCII character: 0 when written as it is, else the letter after the backslash ('u' for a hex escape). */
    private static final byte[] ESCAPES = new byte[128];
    private static final int MAX_DEPTH = 62;

    static {
        for (int c = 0; c < 0x20; c++) {
            ESCAPES[c] = 'u';
        }
        ESCAPES['"'] = '"';
        ESCAPES['\\'] = '\\';
        ESCAPES['\b'] = 'b';
        ESCAPES['\t'] = 't';
        ESCAPES['\n'] = 'n';
        ESCAPES['\f'] = 'f';
        ESCAPES['\r'] = 'r';
    }

    private byte[] bytes;
    private int size;
    private int depth;
    /** Bit {@code d}: the container at depth {@code d} has an entry, so the next one needs a comma. */
    private long filled;

    public JsonLineWriter() {
        this(512);
    }

    public JsonLineWriter(int capacity) {
        this.bytes = new byte[Math.max(16, capacity)];
    }

    /** Empties the writer for the next text; the array is kept. */
    public JsonLineWriter reset() {
        size = 0;
        depth = 0;
        filled = 0;
        return this;
    }

    /** How many bytes the text has so far. */
    public int size() {
        return size;
    }

    /** The text so far, as a copy. */
    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    @Override
    public String toString() {
        return new String(bytes, 0, size, StandardCharsets.UTF_8);
    }

    /** Starts an object: the line's own, or a value in an array (not written by this writer). */
    public JsonLineWriter startObject() {
        value();
        return open();
    }

    public JsonLineWriter endObject() {
        if (depth == 0) {
            throw new IllegalStateException("no object to end");
        }
        depth--;
        put((byte) '}');
        return this;
    }

    /** Starts an object as the value of field {@code name}. */
    public JsonLineWriter startObject(String name) {
        name(name);
        return open();
    }

    private JsonLineWriter open() {
        if (depth == MAX_DEPTH) {
            throw new IllegalStateException("nested deeper than " + MAX_DEPTH);
        }
        put((byte) '{');
        depth++;
        filled &= ~(1L << depth);
        return this;
    }

    /** A byte the text's format puts between values of its own (a line's newline); commas are the writer's. */
    public JsonLineWriter raw(byte b) {
        put(b);
        return this;
    }

    public JsonLineWriter field(String name, String value) {
        name(name);
        string(value);
        return this;
    }

    /** Field {@code name} with {@code value}, left out when the value is null. */
    public JsonLineWriter fieldIfSet(String name, String value) {
        if (value != null) {
            field(name, value);
        }
        return this;
    }

    public JsonLineWriter field(String name, long value) {
        name(name);
        number(value);
        return this;
    }

    public JsonLineWriter field(String name, boolean value) {
        name(name);
        ascii(value ? "true" : "false");
        return this;
    }

    /** A decimal as {@link BigDecimal#toString()} writes it (an exponent when tiny), as Jackson does by default. */
    public JsonLineWriter field(String name, BigDecimal value) {
        name(name);
        ascii(value.toString());
        return this;
    }

    /** A decimal written plain (no exponent), as Jackson's {@code WRITE_BIGDECIMAL_AS_PLAIN}. */
    public JsonLineWriter plainField(String name, BigDecimal value) {
        name(name);
        ascii(value.toPlainString());
        return this;
    }

    public JsonLineWriter field(String name, double value) {
        name(name);
        if (Double.isFinite(value)) {
            ascii(Double.toString(value));
        } else {
            string(Double.toString(value));   // Jackson quotes NaN and the infinities
        }
        return this;
    }

    /** A string value: escaped as Jackson escapes it, else UTF-8. */
    public JsonLineWriter string(String value) {
        int length = value.length();
        ensure(length + 2);
        byte[] b = bytes;
        int at = size;
        b[at++] = '"';
        int i = 0;
        for (; i < length; i++) {
            char c = value.charAt(i);
            if (c >= 0x80 || ESCAPES[c] != 0) {
                break;
            }
            b[at++] = (byte) c;
        }
        size = at;
        if (i < length) {
            escaped(value, i);
        }
        put((byte) '"');
        return this;
    }

    /** The rest of {@code value} from {@code from}, character by character (six bytes at most each). */
    private void escaped(String value, int from) {
        int length = value.length();
        for (int i = from; i < length; i++) {
            ensure(6);
            byte[] b = bytes;
            int at = size;
            char c = value.charAt(i);
            if (c < 0x80) {
                byte escape = ESCAPES[c];
                if (escape == 0) {
                    b[at++] = (byte) c;
                } else if (escape != 'u') {
                    b[at++] = '\\';
                    b[at++] = escape;
                } else {
                    at = hexEscape(b, at, c);
                }
            } else if (c < 0x800) {
                b[at++] = (byte) (0xC0 | (c >> 6));
                b[at++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isSurrogate(c)) {
                at = hexEscape(b, at, c);
            } else {
                b[at++] = (byte) (0xE0 | (c >> 12));
                b[at++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                b[at++] = (byte) (0x80 | (c & 0x3F));
            }
            size = at;
        }
    }

    private static int hexEscape(byte[] b, int at, char c) {
        b[at++] = '\\';
        b[at++] = 'u';
        b[at++] = HEX[(c >> 12) & 0xF];
        b[at++] = HEX[(c >> 8) & 0xF];
        b[at++] = HEX[(c >> 4) & 0xF];
        b[at++] = HEX[c & 0xF];
        return at;
    }

    private void number(long value) {
        if (value >= 0 && value < 10) {
            put((byte) ('0' + value));
        } else {
            ascii(Long.toString(value));
        }
    }

    /** {@code "name":}, with the comma before it when the object has an entry already. */
    private void name(String name) {
        value();
        int length = name.length();
        ensure(length + 3);
        byte[] b = bytes;
        int at = size;
        b[at++] = '"';
        for (int i = 0; i < length; i++) {
            b[at++] = (byte) name.charAt(i);
        }
        b[at++] = '"';
        b[at++] = ':';
        size = at;
    }

    /**
     * A comma when the current container already has an entry; marks it as having one. Values at
     * the top level (one line after another) are separated by what the caller writes between them.
     */
    private void value() {
        if (depth == 0) {
            return;
        }
        long bit = 1L << depth;
        if ((filled & bit) != 0) {
            put((byte) ',');
        } else {
            filled |= bit;
        }
    }

    /** A text known to be ASCII (numbers, literals). */
    private void ascii(String text) {
        int length = text.length();
        ensure(length);
        text.getBytes(0, length, bytes, size);   // the low byte of each char: exact for ASCII
        size += length;
    }

    private void put(byte b) {
        ensure(1);
        bytes[size++] = b;
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(size + more, bytes.length * 2));
        }
    }
}
