package dev.tiergate.core.json;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Edits of an encoded JSON object that leave every other byte as it was: the fields named are
 * replaced, removed or added, the rest (order, spacing, numbers as written, fields nobody models)
 * is copied. For bodies the gateway forwards and changes only a little, where decoding and
 * re-encoding the whole would cost more and lose what the sender wrote. The input must be one
 * valid JSON object (a body the gateway has already parsed once, or an upstream's answer).
 */
public final class RawJson {
    private static final JsonFactory FACTORY = Json.mapper().getFactory();

    private RawJson() {
    }

    /**
     * {@code object} with its top-level fields set as {@code fields} says: a field present is
     * replaced by the encoded value (in its place), one absent is added at the end; a null value
     * removes the field.
     *
     * @param fields field name to encoded JSON value ({@code "\"gpt-4o\""}, {@code "true"}) or null
     */
    public static byte[] withFields(byte[] object, Map<String, String> fields) {
        requireNonNull(object, "object");
        Map<String, String> pending = new LinkedHashMap<>(fields);
        ByteArrayOutputStream out = new ByteArrayOutputStream(object.length + 64);
        try {
            int i = skipSpace(object, 0);
            if (object[i] != '{') {
                throw new IllegalArgumentException("not a JSON object: starts with '" + (char) object[i] + "'");
            }
            out.write(object, 0, i + 1);
            boolean first = true;
            i = skipSpace(object, i + 1);
            while (object[i] != '}') {
                int fieldStart = i;
                int nameEnd = skipString(object, i);
                String name = name(object, fieldStart, nameEnd);
                i = skipSpace(object, nameEnd);
                if (object[i] != ':') {
                    throw new IllegalArgumentException("not a JSON object: no ':' after field " + name);
                }
                i = skipSpace(object, skipValue(object, skipSpace(object, i + 1)));
                if (object[i] == ',') {
                    i = skipSpace(object, i + 1);
                } else if (object[i] != '}') {
                    throw new IllegalArgumentException("not a JSON object: '" + (char) object[i] + "' after field " + name);
                }
                first = copyField(object, fieldStart, i, name, pending, first, out);
            }
            for (Map.Entry<String, String> added : pending.entrySet()) {
                if (added.getValue() != null) {
                    first = writeField(added.getKey(), added.getValue(), first, out);
                }
            }
            out.write(object, i, object.length - i);
            return out.toByteArray();
        } catch (ArrayIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("not a JSON object: it ends too early", e);
        }
    }

    /** The index after the JSON value (valid JSON) that starts at {@code i}. */
    private static int skipValue(byte[] b, int i) {
        byte c = b[i];
        if (c == '"') {
            return skipString(b, i);
        }
        if (c != '{' && c != '[') {   // a number or a literal: up to the next delimiter
            while (!isDelimiter(b[i])) {
                i++;
            }
            return i;
        }
        int depth = 0;
        do {
            c = b[i];
            if (c == '"') {
                i = skipString(b, i);
                continue;
            }
            if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
            }
            i++;
        } while (depth > 0);
        return i;
    }

    /** The index after the string whose opening quote is at {@code i}; eight plain bytes at a time where it can. */
    private static int skipString(byte[] b, int i) {
        if (b[i] != '"') {
            throw new IllegalArgumentException("not a JSON object: a field name or string expected at byte " + i);
        }
        i++;
        while (true) {
            i = AsciiRuns.skipPlainText(b, i, b.length);
            byte c = b[i];
            if (c == '"') {
                return i + 1;
            }
            i += c == '\\' ? 2 : 1;
        }
    }

    /** A field's name from its string token (start at the opening quote, end after the closing one). */
    private static String name(byte[] b, int start, int end) {
        for (int i = start + 1; i < end - 1; i++) {
            if (b[i] == '\\') {
                try (JsonParser parser = FACTORY.createParser(b, start, end - start)) {
                    parser.nextToken();
                    return parser.getText();
                } catch (IOException e) {
                    throw new IllegalArgumentException("not a JSON object: a bad field name", e);
                }
            }
        }
        return new String(b, start + 1, end - start - 2, StandardCharsets.UTF_8);
    }

    private static int skipSpace(byte[] b, int i) {
        while (isSpace(b[i])) {
            i++;
        }
        return i;
    }

    private static boolean isDelimiter(byte b) {
        return b == ',' || b == '}' || b == ']' || isSpace(b);
    }

    /**
     * {@code object} with {@code name: encodedValue} added at the end of the object its top-level
     * field {@code member} holds ({@code usage} gets {@code cost_usd}); unchanged when there is no
     * such object.
     */
    public static byte[] withNestedField(byte[] object, String member, String name, String encodedValue) {
        requireNonNull(object, "object");
        try (JsonParser parser = FACTORY.createParser(object)) {
            expect(parser.nextToken(), JsonToken.START_OBJECT);
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                boolean wanted = member.equals(parser.currentName());
                JsonToken value = parser.nextToken();
                if (!wanted || value != JsonToken.START_OBJECT) {
                    parser.skipChildren();
                    continue;
                }
                int open = offset(parser);
                parser.skipChildren();
                int close = offset(parser);
                int last = close - 1;
                while (last > open && isSpace(object[last])) {
                    last--;
                }
                boolean empty = last == open;
                ByteArrayOutputStream out = new ByteArrayOutputStream(object.length + name.length() + 32);
                out.write(object, 0, close);
                writeField(name, encodedValue, empty, out);
                out.write(object, close, object.length - close);
                return out.toByteArray();
            }
            return object;
        } catch (IOException e) {
            throw new UncheckedIOException("not a JSON object", e);
        }
    }

    /** Copies one field (trailing comma and spacing dropped), replaced or left out as {@code pending} says. */
    private static boolean copyField(byte[] object, int start, int next, String name, Map<String, String> pending,
                                     boolean first, ByteArrayOutputStream out) {
        if (pending.containsKey(name)) {
            String value = pending.remove(name);
            return value == null ? first : writeField(name, value, first, out);
        }
        int end = next;
        while (end > start && isSpace(object[end - 1])) {
            end--;
        }
        if (end > start && object[end - 1] == ',') {
            end--;
        }
        if (!first) {
            out.write(',');
        }
        out.write(object, start, end - start);
        return false;
    }

    private static boolean writeField(String name, String encodedValue, boolean first, ByteArrayOutputStream out) {
        if (!first) {
            out.write(',');
        }
        out.write('"');
        out.writeBytes(JsonStringEncoder.getInstance().quoteAsUTF8(name));
        out.write('"');
        out.write(':');
        out.writeBytes(encodedValue.getBytes(StandardCharsets.UTF_8));
        return false;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }

    private static int offset(JsonParser parser) {
        return (int) parser.currentTokenLocation().getByteOffset();
    }

    private static void expect(JsonToken token, JsonToken expected) {
        if (token != expected) {
            throw new IllegalArgumentException("not a JSON object: starts with " + token);
        }
    }
}
