package dev.tiergate.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tiergate.core.error.InvalidRequestError;
import dev.tiergate.core.json.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChatRequestParserTest {

    private static ChatRequest parse(String json) {
        return ChatRequestParser.parseChat(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsTypedFieldsAndKeepsUnknownOnes() throws Exception {
        ChatRequest r = parse("""
                {"model":"auto","messages":[{"role":"system","content":"be brief"},
                 {"role":"user","content":[{"type":"text","text":"hi"},{"type":"image_url","image_url":{"url":"http://x/y.png"}}]}],
                 "stream":true,"stream_options":{"include_usage":true},"temperature":0.5,"top_p":1,
                 "max_tokens":10,"n":1,"seed":7,"stop":"END","logit_bias":{"50256":-100},
                 "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}],
                 "tool_choice":"auto","response_format":{"type":"json_object"},"user":"u1"}
                """);
        assertThat(r.model()).isEqualTo("auto");
        assertThat(r.isStream()).isTrue();
        assertThat(r.streamOptions().wantsUsage()).isTrue();
        assertThat(r.stop()).containsExactly("END");
        assertThat(r.seed()).isEqualTo(7L);
        assertThat(r.lastUserMessage().text()).isEqualTo("hi");
        assertThat(((MessageContent.Parts) r.lastUserMessage().content()).hasImage()).isTrue();
        assertThat(r.tools().getFirst().function().name()).isEqualTo("f");
        assertThat(r.extra()).containsKey("logit_bias");

        JsonNode written = Json.mapper().valueToTree(r.withModel("gpt-4o-mini"));
        assertThat(written.get("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(written.get("logit_bias").get("50256").asInt()).isEqualTo(-100);
        assertThat(written.get("stream_options").get("include_usage").asBoolean()).isTrue();
        assertThat(written.get("messages").get(0).get("content").asText()).isEqualTo("be brief");
        assertThat(written.get("messages").get(1).get("content").get(1).get("image_url").get("url").asText())
                .isEqualTo("http://x/y.png");
        assertThat(written.get("max_tokens").asInt()).isEqualTo(10);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}|model",
            "{\"model\":5,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}|model",
            "{\"model\":\"auto\"}|messages",
            "{\"model\":\"auto\",\"messages\":[]}|messages",
            "{\"model\":\"auto\",\"messages\":[{\"role\":\"wizard\",\"content\":\"x\"}]}|messages[0].role",
            "{\"model\":\"auto\",\"messages\":[{\"role\":\"user\"}]}|messages[0].content",
            "{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"temperature\":\"hot\"}|temperature",
            "{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"temperature\":3}|temperature",
            "{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":-1}|max_tokens",
            "{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"stream\":\"yes\"}|stream",
            "{\"model\":\"auto\",\"messages\":[{\"role\":\"tool\",\"content\":\"x\"}]}|messages[0].tool_call_id",
    })
    void rejectsBadFieldsNamingThem(String body, String param) {
        assertThatThrownBy(() -> parse(body))
                .isInstanceOfSatisfying(InvalidRequestError.class, e -> {
                    assertThat(e.param()).isEqualTo(param);
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.getMessage()).startsWith(param);
                });
    }

    @Test
    void rejectsBrokenJsonDuplicateKeysAndNonObjects() {
        assertThatThrownBy(() -> parse("{\"model\":")).isInstanceOf(InvalidRequestError.class)
                .hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> parse("{\"model\":\"a\",\"model\":\"b\"}")).isInstanceOf(InvalidRequestError.class)
                .hasMessageContaining("Duplicate field");
        assertThatThrownBy(() -> parse("[1,2]")).isInstanceOf(InvalidRequestError.class)
                .hasMessageContaining("JSON object");
        assertThatThrownBy(() -> parse("")).isInstanceOf(InvalidRequestError.class);
    }

    @Test
    void chunksRoundTripUnknownFields() throws Exception {
        String json = "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                + "\"service_tier\":\"default\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},"
                + "\"finish_reason\":null,\"logprobs\":null}]}";
        ChatChunk chunk = Json.mapper().readValue(json, ChatChunk.class);
        assertThat(chunk.choices().getFirst().delta().content()).isEqualTo("Hi");
        JsonNode back = Json.mapper().valueToTree(chunk);
        assertThat(back.get("service_tier").asText()).isEqualTo("default");
        assertThat(back.get("choices").get(0).get("delta").get("content").asText()).isEqualTo("Hi");
    }

    @Test
    void completionsWithStringOrPartsContentAreRead() throws Exception {
        ChatCompletion c = Json.mapper().readValue("""
                {"id":"x","object":"chat.completion","created":1,"model":"m","choices":[
                 {"index":0,"message":{"role":"assistant","content":"Hello"},"finish_reason":"stop"},
                 {"index":1,"message":{"role":"assistant","content":[{"type":"text","text":"Hi"}]},"finish_reason":"stop"},
                 {"index":2,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"t","type":"function",
                   "function":{"name":"f","arguments":"{}"}}]},"finish_reason":"tool_calls"}]}
                """, ChatCompletion.class);
        assertThat(c.choices().get(0).message().text()).isEqualTo("Hello");
        assertThat(c.choices().get(1).message().text()).isEqualTo("Hi");
        assertThat(c.choices().get(2).message().toolCalls().getFirst().function().name()).isEqualTo("f");
        assertThat(Json.mapper().valueToTree(c).at("/choices/2/message/content").isNull()).isTrue();
    }
}
