package dev.tiergate.server.responses;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.core.json.Json;
import dev.tiergate.core.model.ChatCompletion;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ResponseObjectsTest {
    private static final ResponsesRequest REQUEST = ResponsesRequestParser.parse(
            "{\"model\":\"auto\",\"input\":\"hi\",\"metadata\":{\"k\":\"v\"}}".getBytes(StandardCharsets.UTF_8));

    @Test
    void textAndToolCallsBecomeAMessageAndFunctionCallItemsWithUsage() throws Exception {
        ObjectNode response = ResponseObjects.fromCompletion(REQUEST, "resp_1", 100, 101, completion("""
                {"id":"c","object":"chat.completion","created":1,"model":"gpt-4o-mini-2024",
                 "choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","content":"Checking.",
                   "tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{\\"a\\":1}"}}]}}],
                 "usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15,
                   "prompt_tokens_details":{"cached_tokens":4},"completion_tokens_details":{"reasoning_tokens":2}}}
                """));

        assertThat(response.get("id").textValue()).isEqualTo("resp_1");
        assertThat(response.get("object").textValue()).isEqualTo("response");
        assertThat(response.get("status").textValue()).isEqualTo("completed");
        assertThat(response.get("created_at").longValue()).isEqualTo(100);
        assertThat(response.get("completed_at").longValue()).isEqualTo(101);
        assertThat(response.get("model").textValue()).isEqualTo("gpt-4o-mini-2024");
        assertThat(response.get("metadata").get("k").textValue()).isEqualTo("v");
        assertThat(response.get("incomplete_details").isNull()).isTrue();
        JsonNode output = response.get("output");
        assertThat(output).hasSize(2);
        assertThat(output.get(0).get("type").textValue()).isEqualTo("message");
        assertThat(output.get(0).get("id").textValue()).startsWith("msg_");
        assertThat(output.get(0).at("/content/0").toString())
                .isEqualTo("{\"type\":\"output_text\",\"text\":\"Checking.\",\"annotations\":[],\"logprobs\":[]}");
        assertThat(output.get(1).get("type").textValue()).isEqualTo("function_call");
        assertThat(output.get(1).get("call_id").textValue()).isEqualTo("call_1");
        assertThat(output.get(1).get("name").textValue()).isEqualTo("f");
        assertThat(output.get(1).get("arguments").textValue()).isEqualTo("{\"a\":1}");
        assertThat(response.get("usage")).isEqualTo(Json.mapper().readTree("""
                {"input_tokens":10,"input_tokens_details":{"cached_tokens":4},"output_tokens":5,
                 "output_tokens_details":{"reasoning_tokens":2},"total_tokens":15}"""));
        // every field the OpenAI spec requires of a Response, present (null where it has no value)
        for (String field : new String[] {"id", "object", "created_at", "error", "incomplete_details", "instructions",
                "model", "tools", "output", "parallel_tool_calls", "metadata", "tool_choice", "temperature", "top_p"}) {
            assertThat(response.has(field)).as(field).isTrue();
        }
        assertThat(Json.mapper().writeValueAsString(response)).contains("\"error\":null");
    }

    @Test
    void anAnswerCutAtTheTokenLimitIsIncomplete() {
        ObjectNode response = ResponseObjects.fromCompletion(REQUEST, "resp_2", 100, 101, completion("""
                {"id":"c","object":"chat.completion","created":1,"model":"m",
                 "choices":[{"index":0,"finish_reason":"length","message":{"role":"assistant","content":"Once upon"}}]}
                """));
        assertThat(response.get("status").textValue()).isEqualTo("incomplete");
        assertThat(response.at("/incomplete_details/reason").textValue()).isEqualTo("max_output_tokens");
        assertThat(response.get("completed_at").isNull()).isTrue();
        assertThat(response.at("/usage/total_tokens").intValue()).isZero();
    }

    @Test
    void aRefusalBecomesARefusalPart() {
        ObjectNode response = ResponseObjects.fromCompletion(REQUEST, "resp_3", 1, 2, completion("""
                {"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,
                 "finish_reason":"stop","message":{"role":"assistant","content":null,"refusal":"I cannot."}}]}
                """));
        assertThat(response.at("/output/0/content/0").toString()).isEqualTo("{\"type\":\"refusal\",\"refusal\":\"I cannot.\"}");
    }

    private static ChatCompletion completion(String json) {
        try {
            return Json.mapper().readValue(json, ChatCompletion.class);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
