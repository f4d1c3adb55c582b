package dev.tiergate.providers.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tiergate.core.error.InvalidRequestError;
import dev.tiergate.core.json.Json;
import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.ChatRequestParser;
import dev.tiergate.core.model.Message;
import dev.tiergate.core.model.ToolCall;
import dev.tiergate.providers.anthropic.AnthropicWire.MessagesResponse;
import dev.tiergate.providers.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Request and response translation against the fixtures in {@code fixtures/anthropic}. */
class AnthropicMapperTest {
    private final AnthropicMapper mapper = new AnthropicMapper(4096);

    static ChatRequest parse(String json) {
        return ChatRequestParser.parseChat(json.getBytes(StandardCharsets.UTF_8));
    }

    static JsonNode toTree(Object wire) {
        return Json.mapper().valueToTree(wire);
    }

    private static JsonNode map(String requestJson) {
        return toTree(new AnthropicMapper(4096).toRequest(parse(requestJson), false));
    }

    private static InvalidRequestError rejection(String requestJson) {
        try {
            map(requestJson);
        } catch (InvalidRequestError e) {
            return e;
        }
        throw new AssertionError("expected an InvalidRequestError for " + requestJson);
    }

    @Test
    void mapsAFullConversationAsDocumented() throws Exception {
        ChatRequest request = parse(Fixtures.read("anthropic", "request-openai.json"));

        JsonNode wire = toTree(mapper.toRequest(request, false));

        assertThat(wire).isEqualTo(Json.mapper().readTree(Fixtures.read("anthropic", "request-anthropic.json")));
    }

    @Test
    void defaultsMaxTokensAndMarksStreams() {
        JsonNode wire = toTree(new AnthropicMapper(1234).toRequest(
                parse("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), true));
        assertThat(wire.toString()).isEqualTo("{\"model\":\"m\",\"max_tokens\":1234,\"messages\":[{\"role\":\"user\","
                + "\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}],\"stream\":true}");
        assertThat(map("{\"model\":\"m\",\"max_tokens\":77,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .get("max_tokens").intValue()).isEqualTo(77);
    }

    @Test
    void alternatesRolesAndPutsToolResultsFirst() {
        JsonNode wire = map("{\"model\":\"m\",\"messages\":["
                + "{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"id\":\"t1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]},"
                + "{\"role\":\"user\",\"content\":\"before\"},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"t1\",\"content\":\"\"},"
                + "{\"role\":\"assistant\",\"content\":\"a\"},{\"role\":\"assistant\",\"content\":\"b\"}]}");
        JsonNode messages = wire.get("messages");
        assertThat(messages).hasSize(3);
        assertThat(messages.get(0).get("content").get(0).get("type").asText()).isEqualTo("tool_use");
        assertThat(messages.get(1).get("content").toString())
                .isEqualTo("[{\"type\":\"tool_result\",\"tool_use_id\":\"t1\"},{\"type\":\"text\",\"text\":\"before\"}]");
        assertThat(messages.get(2).get("content")).hasSize(2);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "\"auto\"                                              | {\"type\":\"auto\"}",
        "\"none\"                                              | {\"type\":\"none\"}",
        "\"required\"                                          | {\"type\":\"any\"}",
        "{\"type\":\"function\",\"function\":{\"name\":\"f\"}} | {\"type\":\"tool\",\"name\":\"f\"}"})
    void mapsToolChoice(String openAi, String anthropic) throws Exception {
        JsonNode wire = map("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}],\"tool_choice\":" + openAi + "}");
        assertThat(wire.get("tool_choice")).isEqualTo(Json.mapper().readTree(anthropic));
    }

    @Test
    void parallelToolCallsFalseAloneDisablesParallelUse() {
        JsonNode wire = map("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
                + "\"parallel_tool_calls\":false}");
        assertThat(wire.get("tool_choice").toString()).isEqualTo("{\"type\":\"auto\",\"disable_parallel_tool_use\":true}");
        assertThat(wire.has("parallel_tool_calls")).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "\"n\":2                                                  | n",
        "\"logprobs\":true                                        | logprobs",
        "\"top_logprobs\":3                                       | top_logprobs",
        "\"presence_penalty\":0.5                                 | presence_penalty",
        "\"logit_bias\":{\"50256\":-100}                          | logit_bias",
        "\"modalities\":[\"text\",\"audio\"]                      | modalities",
        "\"response_format\":{\"type\":\"json_object\"}           | response_format",
        "\"temperature\":1.5                                      | temperature",
        "\"tools\":[{\"type\":\"web_search\"}]                    | tools[0].type"})
    void rejectsWhatAnthropicCannotDoNamingTheParameter(String field, String param) {
        InvalidRequestError error = rejection("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
                + field + "}");
        assertThat(error.param()).isEqualTo(param);
        assertThat(error.getMessage()).startsWith(param);
    }

    @Test
    void acceptsTheHarmlessDefaultsOfUnsupportedParameters() {
        JsonNode wire = map("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"n\":1,"
                + "\"logprobs\":false,\"presence_penalty\":0,\"modalities\":[\"text\"],\"store\":true,"
                + "\"response_format\":{\"type\":\"text\"},\"seed\":1}");
        assertThat(wire.has("logprobs") || wire.has("store") || wire.has("seed") || wire.has("modalities")).isFalse();
    }

    @Test
    void rejectsMessagesItCannotTranslate() {
        assertThat(rejection("{\"model\":\"m\",\"messages\":[{\"role\":\"function\",\"name\":\"f\",\"content\":\"x\"}]}")
                .param()).isEqualTo("messages[0].role");
        assertThat(rejection("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_audio\","
                + "\"input_audio\":{\"data\":\"x\",\"format\":\"wav\"}}]}]}").param()).isEqualTo("messages[0].content[0].type");
        assertThat(rejection("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\","
                + "\"image_url\":{\"url\":\"data:image/png,raw\"}}]}]}").param()).isEqualTo("messages[0].content[0].image_url.url");
        assertThat(rejection("{\"model\":\"m\",\"messages\":[{\"role\":\"assistant\",\"content\":null,\"tool_calls\":"
                + "[{\"id\":\"t\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"[1]\"}}]}]}").param())
                .isEqualTo("messages[0].tool_calls[0].function.arguments");
    }

    @Test
    void joinsTextBlocksAndMapsUsageWithCache() throws Exception {
        MessagesResponse response = Json.mapper().readValue(Fixtures.read("anthropic", "message.json"), MessagesResponse.class);

        ChatCompletion completion = mapper.toCompletion(response, 1_700_000_000L);

        assertThat(completion.id()).isEqualTo("msg_01XFDUDYJgAACzvnptvVoYEL");
        assertThat(completion.object()).isEqualTo("chat.completion");
        assertThat(completion.created()).isEqualTo(1_700_000_000L);
        assertThat(completion.model()).isEqualTo("claude-sonnet-4-5-20250929");
        Message message = completion.choices().getFirst().message();
        assertThat(message.role()).isEqualTo("assistant");
        assertThat(message.text()).isEqualTo("Hello there.");
        assertThat(message.toolCalls()).isNull();
        assertThat(completion.choices().getFirst().finishReason()).isEqualTo("stop");
        assertThat(completion.usage().promptTokens()).isEqualTo(35);
        assertThat(completion.usage().completionTokens()).isEqualTo(6);
        assertThat(completion.usage().totalTokens()).isEqualTo(41);
        assertThat(completion.usage().cachedTokens()).isEqualTo(20);
    }

    @Test
    void mapsToolUseBlocksToToolCalls() throws Exception {
        MessagesResponse response = Json.mapper().readValue(Fixtures.read("anthropic", "tool-use.json"), MessagesResponse.class);

        ChatCompletion completion = mapper.toCompletion(response, 0L);

        Message message = completion.choices().getFirst().message();
        assertThat(message.text()).isEqualTo("Let me check the weather.");
        assertThat(message.toolCalls()).containsExactly(
                ToolCall.function("toolu_01A09q90qw90lq917835lq9", "get_weather",
                        "{\"location\":\"San Francisco, CA\",\"unit\":\"celsius\"}"),
                ToolCall.function("toolu_02B", "get_time", "{}"));
        assertThat(completion.choices().getFirst().finishReason()).isEqualTo("tool_calls");
        assertThat(completion.usage().promptTokens()).isEqualTo(472);
        assertThat(completion.usage().cachedTokens()).isZero();
    }

    @Test
    void aToolOnlyAnswerHasNullContent() {
        MessagesResponse response = new MessagesResponse("msg", "message", "assistant",
                List.of(AnthropicWire.Block.toolUse("t", "f", null)), "m", "tool_use", null, null);
        Message message = mapper.toCompletion(response, 0L).choices().getFirst().message();
        assertThat(message.content()).isNull();
        assertThat(message.toolCalls().getFirst().function().arguments()).isEqualTo("{}");
    }

    @ParameterizedTest
    @CsvSource({"end_turn,stop", "stop_sequence,stop", "max_tokens,length", "tool_use,tool_calls",
        "refusal,content_filter", "pause_turn,stop", "model_context_window_exceeded,length"})
    void mapsStopReasons(String stopReason, String finishReason) {
        assertThat(AnthropicMapper.finishReason(stopReason)).isEqualTo(finishReason);
    }

    @Test
    void rejectsAnInvalidDefault() {
        assertThatThrownBy(() -> new AnthropicMapper(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("defaultMaxTokens: 0 (expected: > 0)");
    }
}
