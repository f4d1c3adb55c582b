package dev.tiergate.providers.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.tiergate.core.error.InvalidRequestError;
import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.ChatRequestParser;
import dev.tiergate.core.model.EmbeddingRequest;
import dev.tiergate.core.model.EmbeddingResponse;
import dev.tiergate.core.model.Message;
import dev.tiergate.core.model.ToolCall;
import dev.tiergate.providers.gemini.GeminiWire.BatchEmbedResponse;
import dev.tiergate.providers.gemini.GeminiWire.GenerateContentResponse;
import dev.tiergate.providers.testing.Fixtures;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Request, response and embedding translation against the fixtures in {@code fixtures/gemini}. */
class GeminiMapperTest {
    private final GeminiMapper mapper = new GeminiMapper(Fixtures.sequentialIds());

    private static ChatRequest parse(String json) {
        return ChatRequestParser.parseChat(json.getBytes(StandardCharsets.UTF_8));
    }

    /** The request as Gemini receives it: written, then read back (so numbers compare by value). */
    private JsonNode map(String requestJson) {
        try {
            return GeminiWire.mapper().readTree(GeminiWire.mapper().writeValueAsBytes(mapper.toRequest(parse(requestJson))));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private InvalidRequestError rejection(String requestJson) {
        try {
            map(requestJson);
        } catch (InvalidRequestError e) {
            return e;
        }
        throw new AssertionError("expected an InvalidRequestError for " + requestJson);
    }

    private static GenerateContentResponse response(String fixture) throws Exception {
        return GeminiWire.mapper().readValue(Fixtures.read("gemini", fixture), GenerateContentResponse.class);
    }

    @Test
    void mapsAFullConversationAsDocumented() throws Exception {
        JsonNode wire = map(Fixtures.read("gemini", "request-openai.json"));

        assertThat(wire).isEqualTo(GeminiWire.mapper().readTree(Fixtures.read("gemini", "request-gemini.json")));
    }

    @Test
    void aMinimalRequestHasOnlyContents() {
        assertThat(map("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").toString())
                .isEqualTo("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}]}");
        assertThat(map("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"max_completion_tokens\":5,\"max_tokens\":9,\"response_format\":{\"type\":\"json_object\"}}")
                .get("generationConfig").toString())
                .isEqualTo("{\"maxOutputTokens\":5,\"responseMimeType\":\"application/json\"}");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "\"auto\"     | {\"functionCallingConfig\":{\"mode\":\"AUTO\"}}",
        "\"none\"     | {\"functionCallingConfig\":{\"mode\":\"NONE\"}}",
        "\"required\" | {\"functionCallingConfig\":{\"mode\":\"ANY\"}}"})
    void mapsToolChoice(String openAi, String gemini) throws Exception {
        JsonNode wire = map("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}],\"tool_choice\":" + openAi + "}");
        assertThat(wire.get("toolConfig")).isEqualTo(GeminiWire.mapper().readTree(gemini));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "\"logprobs\":true                                    | logprobs",
        "\"logit_bias\":{\"50256\":-100}                      | logit_bias",
        "\"audio\":{\"voice\":\"alloy\",\"format\":\"wav\"}  | audio",
        "\"presence_penalty\":3                               | presence_penalty",
        "\"tool_choice\":\"sometimes\"                        | tool_choice",
        "\"tools\":[{\"type\":\"code_interpreter\"}]          | tools[0].type"})
    void rejectsWhatGeminiCannotDoNamingTheParameter(String field, String param) {
        InvalidRequestError error = rejection("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
                + field + "}");
        assertThat(error.param()).isEqualTo(param);
        assertThat(error.getMessage()).startsWith(param);
    }

    @Test
    void rejectsMessagesItCannotTranslate() {
        assertThat(rejection("{\"model\":\"m\",\"messages\":[{\"role\":\"tool\",\"tool_call_id\":\"nope\",\"content\":\"x\"}]}")
                .param()).isEqualTo("messages[0].tool_call_id");
        assertThat(rejection("{\"model\":\"m\",\"messages\":[{\"role\":\"system\",\"content\":[{\"type\":\"image_url\","
                + "\"image_url\":{\"url\":\"https://x/y.png\"}}]}]}").param()).isEqualTo("messages[0].content[0].type");
        assertThat(rejection("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\","
                + "\"image_url\":{\"url\":\"data:image/png,raw\"}}]}]}").param()).isEqualTo("messages[0].content[0].image_url.url");
        assertThat(rejection("{\"model\":\"m\",\"messages\":[{\"role\":\"function\",\"name\":\"f\",\"content\":\"x\"}]}")
                .param()).isEqualTo("messages[0].role");
    }

    @Test
    void mapsTextSkippingThoughtsWithUsage() throws Exception {
        ChatCompletion completion = mapper.toCompletion(response("text.json"), "requested", 1_700_000_000L);

        assertThat(completion.id()).isEqualTo("mAitaLmkHPPlz7IPvtfUqQ4");
        assertThat(completion.model()).isEqualTo("gemini-2.5-flash");
        assertThat(completion.created()).isEqualTo(1_700_000_000L);
        assertThat(completion.choices()).hasSize(1);
        assertThat(completion.choices().getFirst().message().text()).isEqualTo("Hello there.");
        assertThat(completion.choices().getFirst().finishReason()).isEqualTo("stop");
        assertThat(completion.usage().promptTokens()).isEqualTo(30);
        assertThat(completion.usage().completionTokens()).isEqualTo(10);
        assertThat(completion.usage().totalTokens()).isEqualTo(40);
        assertThat(completion.usage().cachedTokens()).isEqualTo(12);
        assertThat(completion.usage().extra().get("completion_tokens_details").get("reasoning_tokens").intValue())
                .isEqualTo(4);
    }

    @Test
    void mapsFunctionCallsToToolCallsWithGeneratedIds() throws Exception {
        ChatCompletion completion = mapper.toCompletion(response("function-call.json"), "requested", 0L);

        Message message = completion.choices().getFirst().message();
        assertThat(message.content()).isNull();
        assertThat(message.toolCalls()).containsExactly(
                ToolCall.function("call_id1__thought__CiIBVKhc7ov", "get_weather",
                        "{\"city\":\"Paris\",\"unit\":\"celsius\"}"),
                ToolCall.function("gemini-call-9", "get_time", "{}"));
        assertThat(completion.choices().getFirst().finishReason()).isEqualTo("tool_calls");
        assertThat(completion.id()).isEqualTo("chatcmpl-id2");
        assertThat(completion.usage().totalTokens()).isEqualTo(100);
    }

    @Test
    void aThoughtSignatureGoesBackOnItsFunctionCallInTheNextTurn() throws Exception {
        ChatCompletion first = mapper.toCompletion(response("function-call.json"), "gemini-3-pro-preview", 0L);
        ToolCall signed = first.choices().getFirst().message().toolCalls().getFirst();
        ToolCall unsigned = first.choices().getFirst().message().toolCalls().get(1);
        // what a client that keeps only id, type and function sends back in the next turn
        String next = """
                {"model":"gemini-3-pro-preview","messages":[
                 {"role":"user","content":"Weather and time in Paris?"},
                 {"role":"assistant","content":null,"tool_calls":[
                   {"id":"%s","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}},
                   {"id":"%s","type":"function","function":{"name":"get_time","arguments":"{}"}}]},
                 {"role":"tool","tool_call_id":"%s","content":"{\\"temp\\":21}"},
                 {"role":"tool","tool_call_id":"%s","content":"12:00"}]}
                """.formatted(signed.id(), unsigned.id(), signed.id(), unsigned.id());

        JsonNode parts = map(next).path("contents").path(1).path("parts");

        assertThat(parts.path(0).path("functionCall").path("name").asText()).isEqualTo("get_weather");
        assertThat(parts.path(0).path("thoughtSignature").asText()).isEqualTo("CiIBVKhc7ov=");
        assertThat(parts.path(1).has("thoughtSignature")).isFalse();
        JsonNode responses = map(next).path("contents").path(2).path("parts");
        assertThat(responses.path(0).path("functionResponse").path("name").asText()).isEqualTo("get_weather");
        assertThat(responses.path(1).path("functionResponse").path("name").asText()).isEqualTo("get_time");
    }

    @ParameterizedTest
    @CsvSource({
            "call_1, 'CiQB+/x9Aw==', call_1__thought__CiQB-_x9Aw",
            "call_2, 'AAAA', call_2__thought__AAAA",
            "call_3, '', call_3"})
    void thoughtSignaturesRideInTheToolCallIdReversibly(String callId, String signature, String encoded) {
        assertThat(ThoughtSignatureIds.encode(callId, signature)).isEqualTo(encoded).matches("[A-Za-z0-9_-]+");
        ThoughtSignatureIds.Decoded decoded = ThoughtSignatureIds.decode(encoded);
        assertThat(decoded.callId()).isEqualTo(callId);
        assertThat(decoded.thoughtSignature()).isEqualTo(signature.isEmpty() ? null : signature);
        // LiteLLM writes the signature in standard base64 after the same marker
        if (!signature.isEmpty()) {
            assertThat(ThoughtSignatureIds.decode(callId + "__thought__" + signature).thoughtSignature())
                    .isEqualTo(signature);
        }
    }

    @Test
    void mapsEveryCandidateToAChoice() throws Exception {
        ChatCompletion completion = mapper.toCompletion(response("candidates.json"), "requested", 0L);

        assertThat(completion.choices()).extracting(ChatCompletion.Choice::index).containsExactly(0, 1);
        assertThat(completion.choices()).extracting(ChatCompletion.Choice::finishReason)
                .containsExactly("length", "content_filter");
        assertThat(completion.choices().get(1).message().text()).isEmpty();
    }

    @Test
    void aBlockedPromptIsAContentFilterChoice() throws Exception {
        ChatCompletion completion = mapper.toCompletion(response("blocked.json"), "requested", 0L);

        assertThat(completion.choices()).hasSize(1);
        assertThat(completion.choices().getFirst().finishReason()).isEqualTo("content_filter");
        assertThat(completion.usage().promptTokens()).isEqualTo(9);
    }

    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {"STOP,false,stop", "STOP,true,tool_calls", "MAX_TOKENS,true,length",
        "SAFETY,false,content_filter", "RECITATION,false,content_filter", "PROHIBITED_CONTENT,false,content_filter",
        "SPII,false,content_filter", "BLOCKLIST,false,content_filter", "OTHER,false,stop",
        "MALFORMED_FUNCTION_CALL,false,stop", "FINISH_REASON_UNSPECIFIED,false,null", "null,false,null"})
    void mapsFinishReasons(String reason, boolean calledFunctions, String expected) {
        assertThat(GeminiMapper.finishReason(reason, calledFunctions)).isEqualTo(expected);
    }

    @Test
    void mapsEmbeddingsBothWays() throws Exception {
        EmbeddingRequest request = new EmbeddingRequest("text-embedding-004",
                JsonNodeFactory.instance.arrayNode().add("a").add("b"), null, 3, null, Map.of());

        JsonNode wire = GeminiWire.mapper().valueToTree(GeminiMapper.toEmbedRequest(request, "text-embedding-004"));
        EmbeddingResponse response = GeminiMapper.toEmbeddingResponse(GeminiWire.mapper().readValue(
                Fixtures.read("gemini", "embeddings.json"), BatchEmbedResponse.class), request);

        assertThat(wire.toString()).isEqualTo("{\"requests\":["
                + "{\"model\":\"models/text-embedding-004\",\"content\":{\"parts\":[{\"text\":\"a\"}]},\"outputDimensionality\":3},"
                + "{\"model\":\"models/text-embedding-004\",\"content\":{\"parts\":[{\"text\":\"b\"}]},\"outputDimensionality\":3}]}");
        assertThat(response.object()).isEqualTo("list");
        assertThat(response.model()).isEqualTo("text-embedding-004");
        assertThat(response.data()).hasSize(2);
        assertThat(response.data().get(1).toString())
                .isEqualTo("{\"object\":\"embedding\",\"index\":1,\"embedding\":[0.0,0.125,-1.0]}");
        assertThat(response.usage().promptTokens()).isZero();
    }

    @Test
    void encodesBase64EmbeddingsAsLittleEndianFloats() throws Exception {
        EmbeddingRequest request = new EmbeddingRequest("e", JsonNodeFactory.instance.textNode("a"), "base64", null,
                null, Map.of());
        EmbeddingResponse response = GeminiMapper.toEmbeddingResponse(GeminiWire.mapper().readValue(
                Fixtures.read("gemini", "embeddings.json"), BatchEmbedResponse.class), request);

        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(response.data().getFirst().get("embedding").asText()))
                .order(ByteOrder.LITTLE_ENDIAN);
        assertThat(new float[] {bytes.getFloat(), bytes.getFloat(), bytes.getFloat()})
                .containsExactly(0.25f, -0.5f, 1.0f);
    }

    @Test
    void rejectsTokenArrayEmbeddingInput() {
        EmbeddingRequest request = new EmbeddingRequest("e", JsonNodeFactory.instance.arrayNode()
                .add(JsonNodeFactory.instance.arrayNode().add(1).add(2)), null, null, null, Map.of());
        try {
            GeminiMapper.toEmbedRequest(request, "e");
            throw new AssertionError("expected a rejection");
        } catch (InvalidRequestError e) {
            assertThat(e.param()).isEqualTo("input");
        }
    }
}
