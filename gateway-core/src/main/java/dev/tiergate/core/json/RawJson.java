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
        try (JsonParser parser = FACTORY.createParser(object)) {
            expect(parser.nextToken(), JsonToken.START_OBJECT);
            int open = offset(parser) + 1;
            out.write(object, 0, open);
            boolean first = true;
            int fieldStart = -1;
            String name = null;
            for (JsonToken token = parser.nextToken(); ; token = parser.nextToken()) {
                int tokenStart = offset(parser);
                if (token == JsonToken.FIELD_NAME || token == JsonToken.END_OBJECT) {
                    if (name != null) {
                        first = copyField(object, fieldStart, tokenStart, name, pending, first, out);
                    }
                    if (token == JsonToken.END_OBJECT) {
                        for (Map.Entry<String, String> added : pending.entrySet()) {
                            if (added.getValue() != null) {
                                first = writeField(added.getKey(), added.getValue(), first, out);
                            }
                        }
                        out.write(object, tokenStart, object.length - tokenStart);
                        return out.toByteArray();
                    }
                    name = parser.currentName();
                    fieldStart = tokenStart;
                    parser.nextToken();
                    parser.skipChildren();
                } else {
                    throw new IllegalArgumentException("not a JSON object: unexpected " + token);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("not a JSON object", e);
        }
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
