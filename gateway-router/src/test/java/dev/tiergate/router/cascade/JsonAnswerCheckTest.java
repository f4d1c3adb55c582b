package dev.tiergate.router.cascade;

import static dev.tiergate.router.cascade.Answers.request;
import static dev.tiergate.router.cascade.Answers.saying;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tiergate.core.model.ChatRequest;
import org.junit.jupiter.api.Test;

class JsonAnswerCheckTest {
    private static final ChatRequest OBJECT = request(",\"response_format\":{\"type\":\"json_object\"}");
    private static final ChatRequest SCHEMA = request("""
            ,"response_format":{"type":"json_schema","json_schema":{"name":"order","strict":true,"schema":{
              "type":"object","additionalProperties":false,"required":["id","items","status"],
              "properties":{
                "id":{"type":"integer"},
                "status":{"type":"string","enum":["open","shipped"]},
                "note":{"type":["string","null"]},
                "items":{"type":"array","items":{"$ref":"#/$defs/item"}}},
              "$defs":{"item":{"type":"object","required":["sku","qty"],
                "properties":{"sku":{"type":"string"},"qty":{"type":"number"}}}}}}}""");
    private final JsonAnswerCheck check = new JsonAnswerCheck();

    @Test
    void withoutAJsonResponseFormatAnythingPasses() {
        assertThat(check.fails(request(""), saying("not json at all"))).isFalse();
        assertThat(check.fails(request(",\"response_format\":{\"type\":\"text\"}"), saying("{oops"))).isFalse();
    }

    @Test
    void jsonObjectNeedsOneParsableObject() {
        assertThat(check.fails(OBJECT, saying("{\"a\": 1}"))).isFalse();
        assertThat(check.fails(OBJECT, saying("{\"a\": 1"))).isTrue();
        assertThat(check.fails(OBJECT, saying("Sure! {\"a\": 1}"))).isTrue();
        assertThat(check.fails(OBJECT, saying("{\"a\": 1} {\"b\": 2}"))).isTrue();
        assertThat(check.fails(OBJECT, saying("[1, 2]"))).isTrue();
        assertThat(check.fails(OBJECT, saying(""))).isTrue();
        assertThat(check.cause()).isEqualTo("invalid-json");
    }

    @Test
    void aSchemaAcceptsAConformingAnswer() {
        assertThat(check.fails(SCHEMA, saying("""
                {"id": 7, "status": "open", "note": null, "items": [{"sku": "a-1", "qty": 2.5}]}"""))).isFalse();
    }

    @Test
    void aSchemaRejectsMissingRequiredPropertiesWrongTypesExtrasAndValuesOutsideTheEnum() {
        assertThat(check.fails(SCHEMA, saying("{\"id\": 7, \"status\": \"open\"}"))).as("items missing").isTrue();
        assertThat(check.fails(SCHEMA, saying("{\"id\": \"7\", \"status\": \"open\", \"items\": []}")))
                .as("id a string").isTrue();
        assertThat(check.fails(SCHEMA, saying("{\"id\": 7.5, \"status\": \"open\", \"items\": []}")))
                .as("id not an integer").isTrue();
        assertThat(check.fails(SCHEMA, saying("{\"id\": 7, \"status\": \"lost\", \"items\": []}")))
                .as("status outside the enum").isTrue();
        assertThat(check.fails(SCHEMA, saying("{\"id\": 7, \"status\": \"open\", \"items\": [], \"x\": 1}")))
                .as("a property the closed schema does not have").isTrue();
        assertThat(check.fails(SCHEMA, saying("{\"id\": 7, \"status\": \"open\", \"items\": [{\"sku\": \"a\"}]}")))
                .as("an item without qty, through $ref").isTrue();
        assertThat(check.fails(SCHEMA, saying("{\"id\": 7, \"status\": \"open\", \"note\": 3, \"items\": []}")))
                .as("note neither string nor null").isTrue();
    }

    @Test
    void aToolCallIsNotCheckedAsJsonContent() {
        assertThat(check.fails(OBJECT, Answers.completion("""
                {"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function",
                 "function":{"name":"f","arguments":"{}"}}]}""", "tool_calls", ""))).isFalse();
    }
}
