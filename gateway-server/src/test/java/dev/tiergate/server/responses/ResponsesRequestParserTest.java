package dev.tiergate.server.responses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tiergate.core.error.InvalidRequestError;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResponsesRequestParserTest {

    @Test
    void aStringInputBecomesOneUserMessageItemWithAnId() {
        ResponsesRequest request = parse("{\"model\":\"auto\",\"input\":\"Hello\"}");
        assertThat(request.input()).hasSize(1);
        assertThat(request.input().getFirst().get("id").textValue()).startsWith("msg_");
        assertThat(request.input().getFirst().get("role").textValue()).isEqualTo("user");
        assertThat(request.input().getFirst().at("/content/0/type").textValue()).isEqualTo("input_text");
        assertThat(request.input().getFirst().at("/content/0/text").textValue()).isEqualTo("Hello");
        assertThat(request.store()).isTrue();
        assertThat(request.stream()).isFalse();
        assertThat(request.echo().toolChoice().textValue()).isEqualTo("auto");
        assertThat(request.echo().text().at("/format/type").textValue()).isEqualTo("text");
    }

    @Test
    void everySupportedFieldIsRead() {
        ResponsesRequest request = parse("""
                {"model":"gpt-4o","input":[
                   {"role":"developer","content":"Be brief."},
                   {"type":"message","role":"user","content":[{"type":"input_text","text":"What is this?"},
                     {"type":"input_image","image_url":"https://example.com/a.png","detail":"low"}]},
                   {"type":"function_call","call_id":"call_1","name":"f","arguments":"{}","id":"fc_given"},
                   {"type":"function_call_output","call_id":"call_1","output":"42"}],
                 "instructions":"You help.","tools":[{"type":"function","name":"f","parameters":{"type":"object"},
                   "strict":true}],"tool_choice":{"type":"function","name":"f"},
                 "text":{"format":{"type":"json_schema","name":"out","schema":{"type":"object"},"strict":true}},
                 "max_output_tokens":64,"temperature":0.5,"top_p":0.9,"metadata":{"k":"v"},"store":false,
                 "stream":true,"previous_response_id":"resp_1","parallel_tool_calls":false,
                 "reasoning":{"effort":"low"},"user":"u1","include":[],"truncation":"disabled"}
                """);
        assertThat(request.model()).isEqualTo("gpt-4o");
        assertThat(request.input()).hasSize(4);
        assertThat(request.input().get(2).get("id").textValue()).isEqualTo("fc_given");
        assertThat(request.input().get(3).get("id").textValue()).startsWith("fco_");
        assertThat(request.instructions().textValue()).isEqualTo("You help.");
        assertThat(request.tools().getFirst().function().name()).isEqualTo("f");
        assertThat(request.tools().getFirst().function().strict()).isTrue();
        assertThat(request.toolChoice().toString()).isEqualTo("{\"type\":\"function\",\"function\":{\"name\":\"f\"}}");
        assertThat(request.responseFormat().type()).isEqualTo("json_schema");
        assertThat(request.responseFormat().jsonSchema().get("name").textValue()).isEqualTo("out");
        assertThat(request.maxOutputTokens()).isEqualTo(64);
        assertThat(request.temperature()).isEqualTo(0.5);
        assertThat(request.topP()).isEqualTo(0.9);
        assertThat(request.metadata().get("k").textValue()).isEqualTo("v");
        assertThat(request.store()).isFalse();
        assertThat(request.stream()).isTrue();
        assertThat(request.previousResponseId()).isEqualTo("resp_1");
        assertThat(request.parallelToolCalls()).isFalse();
        assertThat(request.reasoningEffort()).isEqualTo("low");
        assertThat(request.user()).isEqualTo("u1");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"input\":\"hi\"}|model",
            "{\"model\":\"auto\"}|input",
            "{\"model\":\"auto\",\"input\":[]}|input",
            "{\"model\":\"auto\",\"input\":42}|input",
            "{\"model\":\"auto\",\"input\":[{\"role\":\"robot\",\"content\":\"hi\"}]}|input[0].role",
            "{\"model\":\"auto\",\"input\":[{\"role\":\"user\"}]}|input[0].content",
            "{\"model\":\"auto\",\"input\":[{\"type\":\"reasoning\",\"summary\":[]}]}|input[0].type",
            "{\"model\":\"auto\",\"input\":[{\"type\":\"item_reference\",\"id\":\"x\"}]}|input[0].type",
            "{\"model\":\"auto\",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_file\",\"file_id\":\"f\"}]}]}|input[0].content[0].type",
            "{\"model\":\"auto\",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_image\",\"file_id\":\"f\"}]}]}|input[0].content[0].image_url",
            "{\"model\":\"auto\",\"input\":[{\"type\":\"function_call\",\"name\":\"f\",\"arguments\":\"{}\"}]}|input[0].call_id",
            "{\"model\":\"auto\",\"input\":[{\"type\":\"function_call_output\",\"call_id\":\"c\"}]}|input[0].output",
            "{\"model\":\"auto\",\"input\":\"hi\",\"tools\":[{\"type\":\"web_search\"}]}|tools[0].type",
            "{\"model\":\"auto\",\"input\":\"hi\",\"tools\":[{\"type\":\"function\"}]}|tools[0].name",
            "{\"model\":\"auto\",\"input\":\"hi\",\"tools\":[{\"type\":\"function\",\"name\":\"f\",\"parameters\":1}]}|tools[0].parameters",
            "{\"model\":\"auto\",\"input\":\"hi\",\"tool_choice\":\"sometimes\"}|tool_choice",
            "{\"model\":\"auto\",\"input\":\"hi\",\"text\":{\"format\":{\"type\":\"yaml\"}}}|text.format.type",
            "{\"model\":\"auto\",\"input\":\"hi\",\"text\":{\"format\":{\"type\":\"json_schema\",\"schema\":{}}}}|text.format.name",
            "{\"model\":\"auto\",\"input\":\"hi\",\"temperature\":3}|temperature",
            "{\"model\":\"auto\",\"input\":\"hi\",\"top_p\":\"x\"}|top_p",
            "{\"model\":\"auto\",\"input\":\"hi\",\"max_output_tokens\":0}|max_output_tokens",
            "{\"model\":\"auto\",\"input\":\"hi\",\"metadata\":{\"k\":1}}|metadata.k",
            "{\"model\":\"auto\",\"input\":\"hi\",\"store\":\"yes\"}|store",
            "{\"model\":\"auto\",\"input\":\"hi\",\"background\":true}|background",
            "{\"model\":\"auto\",\"input\":\"hi\",\"conversation\":\"conv_1\"}|conversation",
            "{\"model\":\"auto\",\"input\":\"hi\",\"reasoning\":{\"summary\":\"auto\"}}|reasoning.summary",
            "{\"model\":\"auto\",\"input\":\"hi\",\"frobnicate\":1}|frobnicate",
            "{\"model\":\"auto\",\"input\":\"hi\",\"instructions\":[]}|instructions",
            "{\"model\":\"auto\",\"input\":\"hi\",\"instructions\":42}|instructions",
            "{\"model\":\"auto\",\"input\":\"hi\",\"instructions\":[\"be brief\"]}|instructions[0]",
            "{\"model\":\"auto\",\"input\":\"hi\",\"instructions\":[{\"type\":\"reasoning\",\"summary\":[]}]}|instructions[0].type",
            "{\"model\":\"auto\",\"input\":\"hi\",\"tools\":[{\"type\":\"file_search\",\"vector_store_ids\":[\"vs\"]}]}|tools[0].type",
            "{\"model\":\"auto\",\"input\":\"hi\",\"tools\":[{\"type\":\"function\",\"name\":\"f\"},{\"type\":\"computer_use_preview\"}]}|tools[1].type",
            "{\"model\":\"auto\",\"input\":\"hi\",\"tools\":[{\"type\":\"code_interpreter\",\"container\":{\"type\":\"auto\"}}]}|tools[0].type",
            "{\"model\":\"auto\",\"input\":\"hi\",\"tools\":[{\"type\":\"mcp\",\"server_label\":\"x\"}]}|tools[0].type",
            "{\"model\":\"auto\",\"input\":\"hi\",\"tools\":[{\"type\":\"image_generation\"}]}|tools[0].type",
            "{\"model\":\"auto\",\"input\":[{\"type\":\"web_search_call\",\"id\":\"ws\",\"status\":\"completed\"}]}|input[0].type",
            "{\"model\":\"auto\",\"input\":[{\"type\":\"computer_call_output\",\"call_id\":\"c\"}]}|input[0].type",
            "{\"model\":\"auto\",\"input\":[{\"role\":\"user\",\"content\":\"hi\",\"id\":7}]}|input[0].id",
    })
    void badInputIsRefusedNamingTheField(String body, String param) {
        assertThatThrownBy(() -> parse(body))
                .isInstanceOfSatisfying(InvalidRequestError.class, e -> {
                    assertThat(e.param()).isEqualTo(param);
                    assertThat(e.status()).isEqualTo(400);
                });
    }

    @Test
    void instructionsAsInputItemsGoFirstAndAreEchoedAsSent() {
        ResponsesRequest request = parse("""
                {"model":"auto","input":"hi","instructions":[
                  {"type":"message","role":"developer","content":[{"type":"input_text","text":"Be brief."}]},
                  {"role":"system","content":"Answer in French."}]}""");

        assertThat(request.instructions().isArray()).isTrue();
        assertThat(request.instructions()).hasSize(2);
        assertThat(request.instructions().get(1).get("type").textValue()).isEqualTo("message");
        assertThat(request.instructions().get(1).get("id").textValue()).startsWith("msg_");
        var chat = ResponsesToChat.translate(request, java.util.List.of());
        assertThat(chat.messages()).extracting(m -> m.role()).containsExactly("developer", "system", "user");
        assertThat(chat.messages().get(0).content().text()).isEqualTo("Be brief.");
        assertThat(ResponseObjects.shell(request, "resp_1", 1, "m").get("instructions"))
                .isEqualTo(request.instructions());
    }

    @Test
    void aBuiltInToolIsRefusedWithAMessageThatNamesIt() {
        assertThatThrownBy(() -> parse("{\"model\":\"auto\",\"input\":\"hi\",\"tools\":[{\"type\":\"web_search\"}]}"))
                .isInstanceOfSatisfying(InvalidRequestError.class, e -> {
                    assertThat(e.getMessage()).contains("web_search");
                    assertThat(e.status()).isEqualTo(400);
                });
    }

    @Test
    void moreThanSixteenMetadataPairsAreRefused() {
        StringBuilder metadata = new StringBuilder("{");
        for (int i = 0; i < 17; i++) {
            metadata.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":\"v\"");
        }
        assertThatThrownBy(() -> parse("{\"model\":\"auto\",\"input\":\"hi\",\"metadata\":" + metadata + "}}"))
                .isInstanceOfSatisfying(InvalidRequestError.class, e -> assertThat(e.param()).isEqualTo("metadata"));
    }

    private static ResponsesRequest parse(String json) {
        return ResponsesRequestParser.parse(json.getBytes(StandardCharsets.UTF_8));
    }
}
