package dev.tiergate.server.responses;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.core.json.Json;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.MessageContent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResponsesToChatTest {

    @Test
    void instructionsHistoryAndInputBecomeMessagesInOrder() throws Exception {
        ResponsesRequest request = parse("""
                {"model":"auto","instructions":"Be brief.","input":[
                  {"type":"function_call_output","call_id":"call_1","output":[{"type":"input_text","text":"21"},
                    {"type":"input_text","text":" C"}]},
                  {"role":"user","content":[{"type":"input_text","text":"And this?"},
                    {"type":"input_image","image_url":"data:image/png;base64,AAAA","detail":"high"}]}]}
                """);
        List<ObjectNode> history = List.of(
                (ObjectNode) Json.mapper().readTree("{\"type\":\"message\",\"role\":\"user\",\"content\":\"Weather?\"}"),
                (ObjectNode) Json.mapper().readTree("""
                        {"type":"message","role":"assistant","status":"completed","content":[
                          {"type":"output_text","text":"Let me check.","annotations":[]}]}"""),
                (ObjectNode) Json.mapper().readTree("""
                        {"type":"function_call","call_id":"call_1","name":"weather","arguments":"{}"}"""));

        ChatRequest chat = ResponsesToChat.translate(request, history);

        String json = Json.mapper().writeValueAsString(chat);
        assertThat(Json.mapper().readTree(json).get("messages")).isEqualTo(Json.mapper().readTree("""
                [{"role":"system","content":"Be brief."},
                 {"role":"user","content":"Weather?"},
                 {"role":"assistant","content":"Let me check.","tool_calls":[{"id":"call_1","type":"function",
                   "function":{"name":"weather","arguments":"{}"}}]},
                 {"role":"tool","content":"21 C","tool_call_id":"call_1"},
                 {"role":"user","content":[{"type":"text","text":"And this?"},
                   {"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA","detail":"high"}}]}]
                """));
        assertThat(chat.messages().get(4).content()).isInstanceOf(MessageContent.Parts.class);
        assertThat(chat.stream()).isNull();
    }

    @Test
    void optionsMapToTheirChatFields() throws Exception {
        ChatRequest chat = ResponsesToChat.translate(parse("""
                {"model":"gpt-4o","input":"hi","stream":true,"max_output_tokens":50,"temperature":0.3,"top_p":0.5,
                 "tools":[{"type":"function","name":"f","description":"d","parameters":{"type":"object"}}],
                 "tool_choice":"required","parallel_tool_calls":false,"reasoning":{"effort":"high"},
                 "text":{"format":{"type":"json_schema","name":"s","schema":{"type":"object"}}},"user":"u"}
                """), List.of());

        assertThat(Json.mapper().readTree(Json.mapper().writeValueAsString(chat))).isEqualTo(Json.mapper().readTree("""
                {"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"stream":true,
                 "stream_options":{"include_usage":true},"temperature":0.3,"top_p":0.5,"max_completion_tokens":50,
                 "tools":[{"type":"function","function":{"name":"f","description":"d","parameters":{"type":"object"}}}],
                 "tool_choice":"required","response_format":{"type":"json_schema","json_schema":{"name":"s",
                 "schema":{"type":"object"}}},"user":"u","parallel_tool_calls":false,"reasoning_effort":"high"}
                """));
    }

    @Test
    void aFunctionCallAfterAUserMessageOpensAnAssistantMessage() {
        ChatRequest chat = ResponsesToChat.translate(parse("""
                {"model":"auto","input":[{"role":"user","content":"hi"},
                  {"type":"function_call","call_id":"a","name":"f","arguments":"{}"},
                  {"type":"function_call","call_id":"b","name":"g","arguments":"{}"}]}
                """), List.of());
        assertThat(chat.messages()).hasSize(2);
        assertThat(chat.messages().get(1).role()).isEqualTo("assistant");
        assertThat(chat.messages().get(1).content()).isNull();
        assertThat(chat.messages().get(1).toolCalls()).extracting(c -> c.id()).containsExactly("a", "b");
    }

    private static ResponsesRequest parse(String json) {
        return ResponsesRequestParser.parse(json.getBytes(StandardCharsets.UTF_8));
    }
}
