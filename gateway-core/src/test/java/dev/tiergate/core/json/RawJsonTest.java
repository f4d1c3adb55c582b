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

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
