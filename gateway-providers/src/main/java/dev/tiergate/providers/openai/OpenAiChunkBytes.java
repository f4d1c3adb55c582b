package dev.tiergate.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.tiergate.core.json.AsciiRuns;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ChatChunk.ChunkChoice;
import dev.tiergate.core.model.ChatChunk.Delta;
import dev.tiergate.core.model.Usage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the usual shape of an OpenAI {@code chat.completion.chunk} straight from its bytes, without
 * a parser: the fields a text stream's chunks carry (id, object, created, model, system
 * fingerprint, choices with index, a delta of role and content, null logprobs and the finish
 * reason, usage with its three counts) and fields we do not model (usage details among them) when
 * they hold strings, booleans, nulls, integers and objects and arrays of them. Anything else (a
 * tool call, logprobs, a number with a fraction, a name that comes twice, an escape JSON does not
 * have, malformed UTF-8, something after the object) makes it give up with null, and {@link OpenAiAnswerScan} reads the
 * payload with Jackson instead, so that it is never wrong, only not always used. What it reads is
 * the very record data binding makes of the payload ({@code OpenAiChunkBytesTest}). One instance
 * per payload; not thread-safe.
 */
final class OpenAiChunkBytes {
    private static final byte[] ID = ascii("id");
    private static final byte[] OBJECT = ascii("object");
    private static final byte[] CREATED = ascii("created");
    private static final byte[] MODEL = ascii("model");
    private static final byte[] CHOICES = ascii("choices");
    private static final byte[] USAGE = ascii("usage");
    private static final byte[] SYSTEM_FINGERPRINT = ascii("system_fingerprint");
    private static final byte[] INDEX = ascii("index");
    private static final byte[] DELTA = ascii("delta");
    private static final byte[] LOGPROBS = ascii("logprobs");
    private static final byte[] FINISH_REASON = ascii("finish_reason");
    private static final byte[] ROLE = ascii("role");
    private static final byte[] CONTENT = ascii("content");
    private static final byte[] TOOL_CALLS = ascii("tool_calls");
    private static final byte[] PROMPT_TOKENS = ascii("prompt_tokens");
    private static final byte[] COMPLETION_TOKENS = ascii("completion_tokens");
    private static final byte[] TOTAL_TOKENS = ascii("total_tokens");

    /** How deep unknown fields' objects and arrays may nest before Jackson reads the payload instead. */
    private static final int MAX_DEPTH = 8;

    private final byte[] b;
    private int i;
    /** The current field name's bytes, {@code b[nameStart, nameEnd)}, when {@link #escapedName} is null. */
    private int nameStart;
    private int nameEnd;
    /** The current field name when it has escapes or characters that are not ASCII, decoded; else null. */
    private String escapedName;

    private OpenAiChunkBytes(byte[] payload) {
        this.b = payload;
    }

    /** The chunk of {@code payload}, or null when it is not of the usual shape (read it with Jackson). */
    static ChatChunk read(byte[] payload) {
        try {
            return new OpenAiChunkBytes(payload).chunk();
        } catch (Unusual | ArrayIndexOutOfBoundsException e) {   // out of bounds: the payload ended early
            return null;
        }
    }

    private ChatChunk chunk() {
        space();
        String id = null;
        String object = null;
        Long created = null;
        String model = null;
        List<ChunkChoice> choices = null;
        Usage usage = null;
        String fingerprint = null;
        Map<String, JsonNode> extra = null;
        int seen = 0;
        for (boolean more = openObject(); more; more = nextField()) {
            if (named(ID)) {
                seen = once(seen, 1);
                id = textOrNull();
            } else if (named(OBJECT)) {
                seen = once(seen, 2);
                object = textOrNull();
            } else if (named(CREATED)) {
                seen = once(seen, 4);
                created = longOrNull();
            } else if (named(MODEL)) {
                seen = once(seen, 8);
                model = textOrNull();
            } else if (named(CHOICES)) {
                seen = once(seen, 16);
                choices = choices();
            } else if (named(USAGE)) {
                seen = once(seen, 32);
                usage = usage();
            } else if (named(SYSTEM_FINGERPRINT)) {
                seen = once(seen, 64);
                fingerprint = textOrNull();
            } else {
                extra = extra(extra);
            }
        }
        space();
        if (i != b.length) {
            throw Unusual.INSTANCE;
        }
        return new ChatChunk(id, object, created, model, choices, usage, fingerprint, extra);
    }

    private List<ChunkChoice> choices() {
        if (nullLiteral()) {
            return null;
        }
        if (!openArray()) {
            return List.of();
        }
        ChunkChoice first = choice();
        if (!nextElement()) {
            return List.of(first);
        }
        List<ChunkChoice> all = new ArrayList<>(4);
        all.add(first);
        do {
            all.add(choice());
        } while (nextElement());
        return all;
    }

    private ChunkChoice choice() {
        Integer index = null;
        Delta delta = null;
        String finishReason = null;
        Map<String, JsonNode> extra = null;
        int seen = 0;
        for (boolean more = openObject(); more; more = nextField()) {
            if (named(INDEX)) {
                seen = once(seen, 1);
                index = intOrNull();
            } else if (named(DELTA)) {
                seen = once(seen, 2);
                delta = delta();
            } else if (named(LOGPROBS)) {
                seen = once(seen, 4);
                literal("null");
            } else if (named(FINISH_REASON)) {
                seen = once(seen, 8);
                finishReason = textOrNull();
            } else {
                extra = extra(extra);
            }
        }
        return new ChunkChoice(index, delta, null, finishReason, extra);
    }

    private Delta delta() {
        if (nullLiteral()) {
            return null;
        }
        String role = null;
        String content = null;
        Map<String, JsonNode> extra = null;
        int seen = 0;
        for (boolean more = openObject(); more; more = nextField()) {
            if (named(ROLE)) {
                seen = once(seen, 1);
                role = textOrNull();
            } else if (named(CONTENT)) {
                seen = once(seen, 2);
                content = textOrNull();
            } else if (named(TOOL_CALLS)) {
                seen = once(seen, 4);
                literal("null");
            } else {
                extra = extra(extra);
            }
        }
        return new Delta(role, content, null, extra);
    }

    private Usage usage() {
        if (nullLiteral()) {
            return null;
        }
        Integer prompt = null;
        Integer completion = null;
        Integer total = null;
        Map<String, JsonNode> extra = null;
        int seen = 0;
        for (boolean more = openObject(); more; more = nextField()) {
            if (named(PROMPT_TOKENS)) {
                seen = once(seen, 1);
                prompt = intOrNull();
            } else if (named(COMPLETION_TOKENS)) {
                seen = once(seen, 2);
                completion = intOrNull();
            } else if (named(TOTAL_TOKENS)) {
                seen = once(seen, 4);
                total = intOrNull();
            } else {
                extra = extra(extra);
            }
        }
        return new Usage(prompt, completion, total, extra);
    }

    /** {@code extra} (made on first use) with the current field's value; a name seen before gives up. */
    private Map<String, JsonNode> extra(Map<String, JsonNode> extra) {
        Map<String, JsonNode> map = extra == null ? new LinkedHashMap<>(4) : extra;
        if (map.putIfAbsent(fieldName(), node(0)) != null) {
            throw Unusual.INSTANCE;
        }
        return map;
    }

    /**
     * The value at {@code i} as the tree Jackson makes of it: strings, booleans, null, integers
     * (an int or a long node, as Jackson sizes them) and objects and arrays of them, nested at most
     * {@value #MAX_DEPTH} deep; a number with a fraction or an exponent, or a name twice in one
     * object, gives up.
     */
    private JsonNode node(int depth) {
        return switch (b[i]) {
            case '"' -> TextNode.valueOf(text());
            case 'n' -> {
                literal("null");
                yield NullNode.getInstance();
            }
            case 't' -> {
                literal("true");
                yield BooleanNode.TRUE;
            }
            case 'f' -> {
                literal("false");
                yield BooleanNode.FALSE;
            }
            case '{' -> objectNode(depth + 1);
            case '[' -> arrayNode(depth + 1);
            default -> {
                long value = integer(18);
                yield value == (int) value ? IntNode.valueOf((int) value) : LongNode.valueOf(value);
            }
        };
    }

    private ObjectNode objectNode(int depth) {
        if (depth > MAX_DEPTH) {
            throw Unusual.INSTANCE;
        }
        ObjectNode object = JsonNodeFactory.instance.objectNode();
        for (boolean more = openObject(); more; more = nextField()) {
            if (object.putIfAbsent(fieldName(), node(depth)) != null) {
                throw Unusual.INSTANCE;
            }
        }
        return object;
    }

    private ArrayNode arrayNode(int depth) {
        if (depth > MAX_DEPTH) {
            throw Unusual.INSTANCE;
        }
        ArrayNode array = JsonNodeFactory.instance.arrayNode();
        for (boolean more = openArray(); more; more = nextElement()) {
            array.add(node(depth));
        }
        return array;
    }

    private static int once(int seen, int bit) {
        if ((seen & bit) != 0) {
            throw Unusual.INSTANCE;
        }
        return seen | bit;
    }

    // ---- structure: objects, names, literals, white space

    /** Reads an object's opening brace and its first field's name and colon; whether the object has a field. */
    private boolean openObject() {
        if (!open('{', '}')) {
            return false;
        }
        name();
        return true;
    }

    /** After a value: the next field's name and colon (true), or the object's end (false). */
    private boolean nextField() {
        if (!next('}')) {
            return false;
        }
        name();
        return true;
    }

    /** Reads {@code [} and the space after it; whether the array has an element (the next byte is its first). */
    private boolean openArray() {
        return open('[', ']');
    }

    /** After an element: the next one's first byte (true), or the array's end (false). */
    private boolean nextElement() {
        return next(']');
    }

    /** Reads {@code opening} and the space after it; false (the closing read too) when the container is empty. */
    private boolean open(char opening, char closing) {
        expect(opening);
        space();
        if (b[i] == closing) {
            i++;
            return false;
        }
        return true;
    }

    /** After a member: a comma and the space after it (true), or {@code closing} (false). */
    private boolean next(char closing) {
        space();
        byte c = b[i++];
        if (c == closing) {
            return false;
        }
        if (c != ',') {
            throw Unusual.INSTANCE;
        }
        space();
        return true;
    }

    /**
     * A field name, then the colon; the value's first byte is next. A name of printable ASCII is
     * left in the payload ({@code b[nameStart, nameEnd)}); one with an escape or another
     * character is decoded ({@link #escapedName}).
     */
    private void name() {
        expect('"');
        nameStart = i;
        if (plainRun()) {
            escapedName = null;
            nameEnd = i++;
        } else {
            escapedName = decodedText(nameStart);
        }
        space();
        expect(':');
        space();
    }

    private boolean named(byte[] name) {
        if (escapedName != null) {
            return escapedName.equals(new String(name, StandardCharsets.ISO_8859_1));
        }
        return nameEnd - nameStart == name.length && Arrays.equals(b, nameStart, nameEnd, name, 0, name.length);
    }

    private String fieldName() {
        return escapedName != null ? escapedName
                : new String(b, nameStart, nameEnd - nameStart, StandardCharsets.ISO_8859_1);
    }

    /** Reads a {@code null} when one is next; false (nothing read) when another value is. */
    private boolean nullLiteral() {
        if (b[i] != 'n') {
            return false;
        }
        literal("null");
        return true;
    }

    private void literal(String word) {
        for (int k = 0; k < word.length(); k++) {
            if (b[i++] != word.charAt(k)) {
                throw Unusual.INSTANCE;
            }
        }
    }

    private void expect(char c) {
        if (b[i++] != c) {
            throw Unusual.INSTANCE;
        }
    }

    private void space() {
        while (i < b.length) {
            byte c = b[i];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return;
            }
            i++;
        }
    }

    // ---- values

    private String textOrNull() {
        if (nullLiteral()) {
            return null;
        }
        return text();
    }

    /** A string: printable ASCII copied as it is ({@link #plainRun}), escapes and UTF-8 decoded strictly. */
    private String text() {
        expect('"');
        int start = i;
        return plainRun() ? new String(b, start, i++ - start, StandardCharsets.ISO_8859_1) : decodedText(start);
    }

    /**
     * Moves {@code i} over a string's printable ASCII, eight bytes at a time while there is no quote,
     * backslash, control or multi-byte character among them; true when it stops on the closing
     * quote, false on an escape or a byte that is not ASCII (the string must be decoded).
     */
    private boolean plainRun() {
        i = AsciiRuns.skipPlainText(b, i, b.length);
        byte c;
        while ((c = b[i]) != '"') {
            if (c < 0x20 || c == '\\') {   // negative: a byte of a multi-byte character
                return false;
            }
            i++;
        }
        return true;
    }

    /** The rest of a string from {@code i}, which stands on an escape or a byte that is not ASCII. */
    private String decodedText(int start) {
        StringBuilder out = new StringBuilder(i - start + 16);
        out.append(new String(b, start, i - start, StandardCharsets.ISO_8859_1));
        while (true) {
            int c = b[i++] & 0xFF;
            if (c == '"') {
                return out.toString();
            } else if (c == '\\') {
                out.append(escaped());
            } else if (c < 0x20) {
                throw Unusual.INSTANCE;
            } else if (c < 0x80) {
                out.append((char) c);
            } else {
                out.appendCodePoint(codePoint(c));
            }
        }
    }

    private char escaped() {
        return switch (b[i++]) {
            case '"' -> '"';
            case '\\' -> '\\';
            case '/' -> '/';
            case 'b' -> '\b';
            case 'f' -> '\f';
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            case 'u' -> (char) (hex() << 12 | hex() << 8 | hex() << 4 | hex());
            default -> throw Unusual.INSTANCE;
        };
    }

    private int hex() {
        int c = b[i++];
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        throw Unusual.INSTANCE;
    }

    /**
     * The code point whose UTF-8 encoding starts with {@code lead} (at or above 0x80), its
     * continuation bytes read; overlong forms, encoded surrogates and values past U+10FFFF give up.
     */
    private int codePoint(int lead) {
        if (lead >= 0xC2 && lead <= 0xDF) {
            return (lead & 0x1F) << 6 | continuation(0x80, 0xBF);
        }
        if (lead >= 0xE0 && lead <= 0xEF) {
            int second = continuation(lead == 0xE0 ? 0xA0 : 0x80, lead == 0xED ? 0x9F : 0xBF);
            return (lead & 0x0F) << 12 | second << 6 | continuation(0x80, 0xBF);
        }
        if (lead >= 0xF0 && lead <= 0xF4) {
            int second = continuation(lead == 0xF0 ? 0x90 : 0x80, lead == 0xF4 ? 0x8F : 0xBF);
            return (lead & 0x07) << 18 | second << 12 | continuation(0x80, 0xBF) << 6 | continuation(0x80, 0xBF);
        }
        throw Unusual.INSTANCE;
    }

    /** The low six bits of the next byte, which must lie in {@code [low, high]}. */
    private int continuation(int low, int high) {
        int c = b[i++] & 0xFF;
        if (c < low || c > high) {
            throw Unusual.INSTANCE;
        }
        return c & 0x3F;
    }

    private Integer intOrNull() {
        if (nullLiteral()) {
            return null;
        }
        return intValue();
    }

    private int intValue() {
        long value = integer(10);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw Unusual.INSTANCE;
        }
        return (int) value;
    }

    private Long longOrNull() {
        if (nullLiteral()) {
            return null;
        }
        return integer(18);
    }

    /** A JSON integer of at most {@code maxDigits} digits (no fraction, no exponent, no leading zero). */
    private long integer(int maxDigits) {
        boolean negative = b[i] == '-';
        if (negative) {
            i++;
        }
        int start = i;
        long value = 0;
        byte c;
        while ((c = b[i]) >= '0' && c <= '9') {
            value = value * 10 + (c - '0');
            i++;
        }
        int digits = i - start;
        if (digits == 0 || digits > maxDigits || (b[start] == '0' && digits > 1) || c == '.' || c == 'e' || c == 'E') {
            throw Unusual.INSTANCE;
        }
        return negative ? -value : value;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** A shape left to Jackson; one shared instance, no stack trace. */
    private static final class Unusual extends RuntimeException {
        static final Unusual INSTANCE = new Unusual();

        private Unusual() {
            super("not the usual shape of a chunk", null, false, false);
        }
    }
}
