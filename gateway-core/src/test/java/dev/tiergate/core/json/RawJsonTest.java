package dev.tiergate.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RawJsonTest {
    private static final String BODY = """
            { "model" : "auto",\t"messages":[{"role":"user","content":"1.50 is \\"written\\" so"}],
              "temperature": 1.50, "x_unknown": {"keep": [1, 2.0e0]}, "stream": false }""";

    @Test
    void replacesRemovesAndAddsTopLevelFieldsAndCopiesEveryOtherByte() throws IOException {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("model", "\"gpt-4o-mini\"");
        fields.put("stream", null);
        fields.put("stream_options", "{\"include_usage\":true}");

        String patched = text(RawJson.withFields(bytes(BODY), fields));

        assertThat(patched).isEqualTo("""
                {"model":"gpt-4o-mini","messages":[{"role":"user","content":"1.50 is \\"written\\" so"}],\
                "temperature": 1.50,"x_unknown": {"keep": [1, 2.0e0]},"stream_options":{"include_usage":true}}""");
        JsonNode tree = Json.mapper().readTree(patched);
        assertThat(tree.get("temperature").decimalValue()).isEqualByComparingTo("1.50");
        assertThat(tree.has("stream")).isFalse();
    }

    @Test
    void removingTheFirstFieldLeavesNoDanglingComma() throws IOException {
        Map<String, String> fields = new HashMap<>();
        fields.put("a", null);

        assertThat(text(RawJson.withFields(bytes("{\"a\":1, \"b\":[{}]}"), fields))).isEqualTo("{\"b\":[{}]}");
        assertThat(text(RawJson.withFields(bytes("{\"a\":1}"), fields))).isEqualTo("{}");
        assertThat(text(RawJson.withFields(bytes("{}"), Map.of("a", "\"\\u00e9\"")))).isEqualTo("{\"a\":\"\\u00e9\"}");
    }

    @Test
    void addsAFieldToTheNamedObjectOnly() {
        String chunk = "{\"choices\":[],\"x\":{\"usage\":{}},\"usage\":{\"prompt_tokens\":3,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":1} } }";

        assertThat(text(RawJson.withNestedField(bytes(chunk), "usage", "cost_usd", "0.0000345"))).isEqualTo(
                "{\"choices\":[],\"x\":{\"usage\":{}},\"usage\":{\"prompt_tokens\":3,"
                        + "\"prompt_tokens_details\":{\"cached_tokens\":1} ,\"cost_usd\":0.0000345} }");
        assertThat(text(RawJson.withNestedField(bytes("{\"usage\": { }}"), "usage", "cost_usd", "1")))
                .isEqualTo("{\"usage\": { \"cost_usd\":1}}");
        assertThat(text(RawJson.withNestedField(bytes("{\"usage\":null}"), "usage", "cost_usd", "1")))
                .isEqualTo("{\"usage\":null}");
    }

    @Test
    void refusesWhatIsNotAnObject() {
        assertThatThrownBy(() -> RawJson.withFields(bytes("[1]"), Map.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesATruncatedObject() {
        for (String cut : new String[] {"", "{", "{\"a\"", "{\"a\":", "{\"a\":[1,", "{\"a\":\"x", "{\"a\":1 2}"}) {
            assertThatThrownBy(() -> RawJson.withFields(bytes(cut), Map.of("b", "1"))).as(cut)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aFieldNameWrittenWithEscapesIsTheNameItDecodesTo() {
        assertThat(text(RawJson.withFields(bytes("{\"mo\\u0064el\":\"a\",\"b\\\"\":1}"), Map.of("model", "\"z\""))))
                .isEqualTo("{\"model\":\"z\",\"b\\\"\":1}");
    }

    /**
     * Random objects (nested values, every kind of string escape, UTF-8, random spacing, names
     * written with escapes) patched with random replacements, removals and additions: the result
     * parses to the original tree with those edits, fields in the original's order, added ones last.
     */
    @Test
    void randomObjectsPatchedAsTheirTreesWouldBe() throws IOException {
        java.util.Random random = new java.util.Random(20261205);
        for (int round = 0; round < 3_000; round++) {
            StringBuilder text = new StringBuilder();
            java.util.List<String> names = new java.util.ArrayList<>();
            space(random, text);
            text.append('{');
            int n = random.nextInt(6);
            for (int f = 0; f < n; f++) {
                String name = f == 0 && random.nextBoolean() ? "model" : "f" + f + (random.nextBoolean() ? "\"é" : "");
                names.add(name);
                space(random, text);
                string(random, name, text);
                space(random, text);
                text.append(':');
                space(random, text);
                value(random, 0, text);
                space(random, text);
                if (f < n - 1) {
                    text.append(',');
                }
            }
            space(random, text);
            text.append('}');
            space(random, text);
            Map<String, String> fields = new LinkedHashMap<>();
            for (String name : names) {
                if (random.nextInt(3) == 0) {
                    fields.put(name, random.nextBoolean() ? null : "[" + random.nextInt(100) + "]");
                }
            }
            if (random.nextBoolean()) {
                fields.put("added", "{\"x\":true}");
            }
            com.fasterxml.jackson.databind.node.ObjectNode expected =
                    (com.fasterxml.jackson.databind.node.ObjectNode) Json.mapper().readTree(text.toString());
            fields.forEach((name, value) -> {
                if (value == null) {
                    expected.remove(name);
                } else {
                    try {
                        expected.set(name, Json.mapper().readTree(value));
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            });
            byte[] patched = RawJson.withFields(bytes(text.toString()), fields);
            JsonNode actual = Json.mapper().readTree(patched);
            assertThat(actual).as("%s with %s gave %s", text, fields, text(patched)).isEqualTo(expected);
            assertThat(java.util.stream.StreamSupport.stream(
                    java.util.Spliterators.spliteratorUnknownSize(actual.fieldNames(), 0), false).toList())
                    .isEqualTo(java.util.stream.StreamSupport.stream(
                            java.util.Spliterators.spliteratorUnknownSize(expected.fieldNames(), 0), false).toList());
        }
    }

    private static void value(java.util.Random random, int depth, StringBuilder out) {
        int kind = random.nextInt(depth > 2 ? 4 : 6);
        switch (kind) {
            case 0 -> string(random, randomText(random), out);
            case 1 -> out.append(new String[] {"0", "-1", "12.50", "1e10", "-2.5E-3", "123456789012345678901"}[random.nextInt(6)]);
            case 2 -> out.append(new String[] {"true", "false", "null"}[random.nextInt(3)]);
            case 3 -> out.append("\"\"");
            case 4 -> {
                out.append('[');
                int n = random.nextInt(4);
                for (int i = 0; i < n; i++) {
                    space(random, out);
                    value(random, depth + 1, out);
                    space(random, out);
                    if (i < n - 1) {
                        out.append(',');
                    }
                }
                out.append(']');
            }
            default -> {
                out.append('{');
                int n = random.nextInt(4);
                for (int i = 0; i < n; i++) {
                    space(random, out);
                    string(random, "k" + i + randomText(random), out);
                    out.append(':');
                    space(random, out);
                    value(random, depth + 1, out);
                    if (i < n - 1) {
                        out.append(',');
                    }
                }
                out.append('}');
            }
        }
    }

    private static String randomText(java.util.Random random) {
        String alphabet = "ab \"\\/{}[],:\n\t\u0001é€😀x";
        StringBuilder text = new StringBuilder();
        int n = random.nextInt(24);
        for (int i = 0; i < n; i++) {
            int at = random.nextInt(alphabet.length());
            text.append(Character.isHighSurrogate(alphabet.charAt(at)) ? alphabet.substring(at, at + 2)
                    : Character.isLowSurrogate(alphabet.charAt(at)) ? "y" : String.valueOf(alphabet.charAt(at)));
        }
        return text.toString();
    }

    /** {@code value} as a JSON string, each character escaped or not at random (as JSON allows). */
    private static void string(java.util.Random random, String value, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || !Character.isSurrogate(c) && random.nextInt(8) == 0) {
                out.append(String.format("\\u%04x", (int) c));
            } else if (c == '/' && random.nextBoolean()) {
                out.append("\\/");
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }

    private static void space(java.util.Random random, StringBuilder out) {
        int n = random.nextInt(3);
        for (int i = 0; i < n; i++) {
            out.append(" \n\t\r".charAt(random.nextInt(4)));
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
