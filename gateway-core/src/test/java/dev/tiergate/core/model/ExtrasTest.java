package dev.tiergate.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.tiergate.core.json.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExtrasTest {

    private static Map<String, JsonNode> fields() {
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        fields.put("service_tier", TextNode.valueOf("default"));
        fields.put("zeta", IntNode.valueOf(1));
        fields.put("alpha", NullNode.getInstance());
        fields.put("tiergate_from", TextNode.valueOf("messages"));
        return fields;
    }

    @Test
    void aCopyKeepsTheFieldsInTheirOrderAndEqualsTheOriginal() {
        Map<String, JsonNode> original = fields();
        Map<String, JsonNode> copy = Extras.copy(original);

        assertThat(copy.keySet()).containsExactly("service_tier", "zeta", "alpha", "tiergate_from");
        assertThat(copy.values()).containsExactlyElementsOf(original.values());
        assertThat(copy).isEqualTo(original);
        assertThat(original).isEqualTo(copy);
        assertThat(copy.hashCode()).isEqualTo(original.hashCode());
        assertThat(copy.get("zeta")).isEqualTo(IntNode.valueOf(1));
        assertThat(copy.get("missing")).isNull();
        assertThat(copy.containsKey("alpha")).isTrue();
        assertThat(copy.containsKey("missing")).isFalse();
        assertThat(copy).hasSize(4);
    }

    @Test
    void aCopyCannotBeChangedNorChangesWithItsSource() {
        Map<String, JsonNode> original = fields();
        Map<String, JsonNode> copy = Extras.copy(original);
        original.put("late", TextNode.valueOf("x"));

        assertThat(copy).doesNotContainKey("late");
        assertThatThrownBy(() -> copy.put("x", NullNode.getInstance())).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> copy.remove("zeta")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> copy.entrySet().iterator().remove()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(copy::clear).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void copyingACopyGivesItBackAndNothingGivesTheEmptyMap() {
        Map<String, JsonNode> copy = Extras.copy(fields());

        assertThat(Extras.copy(copy)).isSameAs(copy);
        assertThat(Extras.copy(null)).isEmpty();
        assertThat(Extras.copy(Map.of())).isSameAs(Map.of());
    }

    @Test
    void forUpstreamDropsOnlyTheGatewaysOwnFields() {
        Map<String, JsonNode> copy = Extras.copy(fields());

        assertThat(Extras.forUpstream(copy).keySet()).containsExactly("service_tier", "zeta", "alpha");
        Map<String, JsonNode> plain = Extras.copy(Map.of("a", IntNode.valueOf(2)));
        assertThat(Extras.forUpstream(plain)).isSameAs(plain);
    }

    @Test
    void anAnswerIsWrittenWithItsUnknownFieldsInTheOrderTheyCame() throws Exception {
        ChatCompletion completion = Json.mapper().readValue("""
                {"id":"c1","object":"chat.completion","created":1,"model":"m","choices":[
                 {"index":0,"message":{"role":"assistant","content":"hi","refusal":null},"logprobs":null,
                  "finish_reason":"stop","zz":1,"aa":2}],"service_tier":"default","b_field":[1,2],"a_field":{"x":1}}
                """, ChatCompletion.class);

        // Data binding may hand the fields over in another order than they came; whatever order the
        // record holds, every copy and the written answer keep it.
        assertThat(completion.extra().keySet()).containsExactlyInAnyOrder("service_tier", "b_field", "a_field");
        assertThat(completion.choices().getFirst().extra().keySet()).containsExactlyInAnyOrder("logprobs", "zz", "aa");
        String written = Json.mapper().writeValueAsString(completion.withIdentity("c2", 2));
        JsonNode tree = Json.mapper().readTree(written);
        assertThat(List.copyOf(tree.properties()).stream().map(Map.Entry::getKey).toList())
                .endsWith(completion.extra().keySet().toArray(String[]::new));
        assertThat(written).contains("\"b_field\":[1,2]").contains("\"a_field\":{\"x\":1}");
        assertThat(Json.mapper().readValue(written, ChatCompletion.class).withIdentity("c1", 1)).isEqualTo(completion);
        assertThat(List.copyOf(completion.withIdentity("c3", 3).extra().keySet()))
                .isEqualTo(List.copyOf(completion.extra().keySet()));
    }
}
