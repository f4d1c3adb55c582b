package dev.tiergate.server.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.FunctionDefinition;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import dev.tiergate.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Golden tests of the chat stream shapes, through the real server, for every provider type
 * (WireMock upstreams answering with the fixtures in {@code fixtures/streams}, built from each
 * provider's documented format) and for plain answers replayed as streams by the exact and the
 * semantic cache. Each stream is compared, chunk by chunk, with {@code golden/streams/<name>.jsonl}
 * (the id and creation time of the answer, and ids the gateway generates, normalised). Run with
 * {@code -Dtiergate.golden.update=true} to rewrite the golden files from what the gateway sends,
 * then read the diff.
 *
 * <p>Each stream is also accumulated as OpenAI's function-calling guide does it (the first
 * fragment of an index is kept, and every fragment's {@code arguments}, the first one's included,
 * appended to it), which must give each call's arguments once, as valid JSON; and by openai-java's
 * {@link ChatCompletionAccumulator}.
 */
class ChatStreamShapesTest {
    private static final boolean UPDATE = Boolean.getBoolean("tiergate.golden.update");
    private static final ObjectMapper DECIMALS = Json.mapper().copy()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final String TOOLS = """
            "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object",
              "properties":{"city":{"type":"string"}},"required":["city"]}}},
             {"type":"function","function":{"name":"get_time","parameters":{"type":"object","properties":{}}}}]""";
    private static final Map<String, JsonNode> EXPECTED_ARGUMENTS = Map.of(
            "get_weather", json("{\"city\":\"Paris\"}"), "get_time", json("{}"));

    private static WireMockServer upstream;
    private static TestGateway direct;
    private static TestGateway exactCache;
    private static TestGateway semanticCache;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        upstream = new WireMockServer(wireMockConfig().dynamicPort());
        upstream.start();
        stub("/v1/chat/completions", true, "openai-tool-calls.sse");
        stub("/v1/chat/completions", false, "openai-tool-calls.json");
        stub("/anthropic/v1/messages", true, "anthropic-tool-use.sse");
        stub("/anthropic/v1/messages", false, "anthropic-tool-use.json");
        upstream.stubFor(post(urlEqualTo("/gemini/v1beta/models/gemini-3-pro-preview:streamGenerateContent?alt=sse"))
                .willReturn(sse("gemini-function-call.sse")));
        upstream.stubFor(post(urlEqualTo("/gemini/v1beta/models/gemini-3-pro-preview:generateContent"))
                .willReturn(jsonReply("gemini-function-call.json")));
        upstream.stubFor(post(urlEqualTo("/gemini/v1beta/models/gemini-3-pro-preview:generateContent"))
                .withRequestBody(matchingJsonPath("$.contents[2].parts[0].functionResponse"))
                .atPriority(1)
                .willReturn(jsonReply("gemini-answer.json")));
        direct = TestGateway.start(gatewayYaml("cache: {exact: {enabled: false}}"));
        exactCache = TestGateway.start(gatewayYaml("cache: {exact: {enabled: true}}"));
        semanticCache = TestGateway.start(gatewayYaml("cache: {exact: {enabled: false}, semantic: {enabled: true}}"));
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable closeable : new AutoCloseable[] {direct, exactCache, semanticCache}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        upstream.stop();
    }

    private static String gatewayYaml(String cache) {
        int port = upstream.port();
        return """
                server: {host: 127.0.0.1, request-timeout-seconds: 20}
                providers:
                  oai: {type: openai, base-url: "http://127.0.0.1:%d/v1", api-key: sk-upstream}
                  claude: {type: anthropic, base-url: "http://127.0.0.1:%d/anthropic/v1", api-key: sk-ant-upstream}
                  gem: {type: gemini, base-url: "http://127.0.0.1:%d/gemini/v1beta", api-key: goog-upstream}
                models:
                  gpt-4o-mini: {provider: oai, price: {input: 0.15, output: 0.60}}
                  claude-sonnet-4-5: {provider: claude, price: {input: 3, output: 15}}
                  gemini-3-pro-preview: {provider: gem, price: {input: 2, output: 12}}
                %s
                """.formatted(port, port, port, cache);
    }

    // ---------------------------------------------------------------- providers

    @ParameterizedTest
    @ValueSource(strings = {"gpt-4o-mini", "claude-sonnet-4-5", "gemini-3-pro-preview"})
    void aStreamedToolCallHasOpenAisShapeFromEveryProvider(String model) throws Exception {
        List<ObjectNode> chunks = stream(direct, model, "What is the weather and the time in Paris?", true);

        assertGolden(golden(model), chunks);
        assertOpenAiShape(chunks, true);
        assertAccumulatesOnce(chunks);
        assertThat(sdkToolCalls(direct, model)).extracting(ChatCompletionMessageFunctionToolCall.Function::name)
                .containsExactly("get_weather", "get_time");
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt-4o-mini", "claude-sonnet-4-5", "gemini-3-pro-preview"})
    void withoutIncludeUsageNoChunkCarriesUsage(String model) throws Exception {
        List<ObjectNode> chunks = stream(direct, model, "And the weather and time in Paris now?", false);

        assertOpenAiShape(chunks, false);
        assertThat(chunks).allSatisfy(chunk -> assertThat(chunk.get("usage").isNull()).isTrue());
        assertAccumulatesOnce(chunks);
    }

    @Test
    void theUsageChunkCarriesTheCostOfTheAnswer() throws Exception {
        HttpResponse<InputStream> response = HTTP.send(request(direct, body("gpt-4o-mini",
                "What is the weather and the time in Paris today?", true, true)), HttpResponse.BodyHandlers.ofInputStream());
        String body = text(response);
        List<ObjectNode> chunks = chunks(body);

        JsonNode usage = chunks.getLast().get("usage");
        // 82 input tokens at $0.15 and 37 output tokens at $0.60 per million, written as a plain decimal
        assertThat(usage.get("cost_usd").decimalValue()).isEqualByComparingTo(new BigDecimal("0.0000345"));
        assertThat(body).contains("\"cost_usd\":0.0000345}");
        assertThat(usage.get("prompt_tokens").intValue()).isEqualTo(82);
    }

    @Test
    void everyUpstreamCallSaysItComesFromTiergate() throws Exception {
        stream(direct, "claude-sonnet-4-5", "Who is calling?", false);

        List<LoggedRequest> requests = upstream.findAll(postRequestedFor(urlEqualTo("/anthropic/v1/messages")));
        assertThat(requests).isNotEmpty().allSatisfy(request ->
                assertThat(request.getHeader("User-Agent")).matches("tiergate/\\S+"));
    }

    @Test
    void aGemini3ThoughtSignatureComesBackOnTheNextTurnThroughTheOpenAiSdk() {
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(direct.baseUrl()).apiKey(TestGateway.KEY).build();
        ChatCompletionCreateParams first = ChatCompletionCreateParams.builder()
                .model("gemini-3-pro-preview")
                .addUserMessage("Weather and time in Paris, please?")
                .addFunctionTool(FunctionDefinition.builder().name("get_weather").build())
                .addFunctionTool(FunctionDefinition.builder().name("get_time").build())
                .build();
        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(first)) {
            stream.stream().forEach(accumulator::accumulate);
        }
        ChatCompletionMessage assistant = accumulator.chatCompletion().choices().getFirst().message();
        List<String> ids = assistant.toolCalls().orElseThrow().stream()
                .map(call -> call.function().orElseThrow().id()).toList();
        assertThat(ids.getFirst()).matches("[A-Za-z0-9_-]+").contains("__thought__");
        assertThat(ids.get(1)).doesNotContain("__thought__");

        // the next turn as the SDK sends it: the assistant message it accumulated, then the results
        ChatCompletion answer = client.chat().completions().create(first.toBuilder()
                .addMessage(assistant)
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(ids.getFirst()).content("21 C").build())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(ids.get(1)).content("12:00").build())
                .build());
        client.close();

        assertThat(answer.choices().getFirst().message().content()).hasValueSatisfying(
                text -> assertThat(text).contains("21 degrees"));
        LoggedRequest sent = upstream.findAll(postRequestedFor(
                urlEqualTo("/gemini/v1beta/models/gemini-3-pro-preview:generateContent"))).getLast();
        JsonNode parts = json(sent.getBodyAsString()).at("/contents/1/parts");
        assertThat(parts.get(0).get("text").asText()).isEqualTo("Let me check.");
        assertThat(parts.get(1).at("/functionCall/name").asText()).isEqualTo("get_weather");
        assertThat(parts.get(1).get("thoughtSignature").asText()).isEqualTo("CtIDAdHtim9+Wq0v/1kzQ2l6Pl8=");
        assertThat(parts.get(2).at("/functionCall/name").asText()).isEqualTo("get_time");
        assertThat(parts.get(2).has("thoughtSignature")).isFalse();
    }

    // ---------------------------------------------------------------- cache replay

    @ParameterizedTest
    @ValueSource(strings = {"gpt-4o-mini", "claude-sonnet-4-5", "gemini-3-pro-preview"})
    void aPlainToolCallAnswerFromTheExactCacheIsStreamedAsOpenAiStreamsIt(String model) throws Exception {
        String prompt = "Exact: what is the weather and the time in Paris?";
        HttpResponse<String> plain = HTTP.send(request(exactCache, body(model, prompt, false, false)),
                HttpResponse.BodyHandlers.ofString());
        assertThat(plain.statusCode()).isEqualTo(200);

        HttpResponse<InputStream> hit = HTTP.send(request(exactCache, body(model, prompt, true, true)),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(hit.headers().firstValue("x-tiergate-cache")).hasValue("hit");
        List<ObjectNode> chunks = chunks(hit);

        assertGolden("exact-replay-" + model, chunks);
        assertOpenAiShape(chunks, true);
        assertAccumulatesOnce(chunks);
    }

    @Test
    void aPlainToolCallAnswerFromTheSemanticCacheIsStreamedAsOpenAiStreamsIt() throws Exception {
        String prompt = "Semantic: what is the weather and the time in Paris?";
        HttpResponse<String> plain = HTTP.send(request(semanticCache, body("gpt-4o-mini", prompt, false, false)),
                HttpResponse.BodyHandlers.ofString());
        assertThat(plain.statusCode()).isEqualTo(200);

        // The first answer's entry is written after it is sent, and a lookup that meets the lane still
        // busy with that write is shed (no cache header): ask again until the stored answer is found.
        HttpResponse<InputStream> hit = null;
        for (int attempt = 0; attempt < 50; attempt++) {
            if (hit != null) {
                hit.body().close();
                Thread.sleep(100);
            }
            hit = HTTP.send(request(semanticCache, body("gpt-4o-mini", prompt, true, true)),
                    HttpResponse.BodyHandlers.ofInputStream());
            if (hit.headers().firstValue("x-tiergate-cache").isPresent()) {
                break;
            }
        }
        assertThat(hit.headers().firstValue("x-tiergate-cache")).hasValue("semantic-hit");
        List<ObjectNode> chunks = chunks(hit);

        assertGolden("semantic-replay-gpt-4o-mini", chunks);
        assertOpenAiShape(chunks, true);
        assertAccumulatesOnce(chunks);
    }

    // ---------------------------------------------------------------- checks

    /**
     * What every OpenAI chunk has: one id, object and creation time; {@code usage} present on every
     * chunk and null but on the usage chunk (last, without choices, only when asked); each choice
     * with {@code index}, {@code delta}, {@code logprobs: null} and {@code finish_reason}, null
     * but on the finish chunk; a tool call opening with index, id, type, name and
     * {@code arguments: ""}, later fragments with index and arguments only.
     */
    private static void assertOpenAiShape(List<ObjectNode> chunks, boolean usageAsked) {
        List<ObjectNode> answer = usageAsked ? chunks.subList(0, chunks.size() - 1) : chunks;
        assertThat(chunks).allSatisfy(chunk -> {
            assertThat(chunk.get("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(chunk.get("id").asText()).isEqualTo(chunks.getFirst().get("id").asText());
            assertThat(chunk.get("created")).isEqualTo(chunks.getFirst().get("created"));
            assertThat(chunk.has("usage")).as("usage present, null or not").isTrue();
        });
        assertThat(answer).allSatisfy(chunk -> {
            assertThat(chunk.get("usage").isNull()).isTrue();
            assertThat(chunk.get("choices")).hasSize(1);
            JsonNode choice = chunk.get("choices").get(0);
            assertThat(choice.get("index").intValue()).isZero();
            assertThat(choice.has("delta")).isTrue();
            assertThat(choice.has("logprobs") && choice.get("logprobs").isNull()).isTrue();
            assertThat(choice.has("finish_reason")).isTrue();
        });
        assertThat(answer.getFirst().at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        assertThat(answer).filteredOn(c -> !c.at("/choices/0/finish_reason").isNull()).singleElement()
                .isSameAs(answer.getLast())
                .satisfies(c -> assertThat(c.at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls"));
        if (usageAsked) {
            assertThat(chunks.getLast().get("choices")).isEmpty();
            assertThat(chunks.getLast().get("usage").get("total_tokens").intValue()).isPositive();
        }
        TreeMap<Integer, Integer> seen = new TreeMap<>();
        for (ObjectNode chunk : answer) {
            for (JsonNode fragment : chunk.at("/choices/0/delta/tool_calls")) {
                int index = fragment.get("index").intValue();
                if (seen.merge(index, 1, Integer::sum) == 1) {
                    assertThat(fragment.get("id").asText()).isNotBlank();
                    assertThat(fragment.get("type").asText()).isEqualTo("function");
                    assertThat(fragment.at("/function/name").asText()).isNotBlank();
                    assertThat(fragment.at("/function/arguments").asText()).as("an opening fragment").isEmpty();
                } else {
                    assertThat(fragment.has("id")).isFalse();
                    assertThat(fragment.has("type")).isFalse();
                    assertThat(fragment.get("function").has("name")).isFalse();
                    assertThat(fragment.at("/function/arguments").isTextual()).isTrue();
                }
            }
        }
        assertThat(seen.keySet()).containsExactly(0, 1);
    }

    /** Accumulated as OpenAI's guide does, each call's arguments parse as the expected JSON. */
    private static void assertAccumulatesOnce(List<ObjectNode> chunks) {
        Map<Integer, ObjectNode> calls = accumulate(chunks);
        assertThat(calls).hasSize(2);
        calls.values().forEach(call -> {
            String name = call.at("/function/name").asText();
            assertThat(json(call.at("/function/arguments").asText())).as(name).isEqualTo(EXPECTED_ARGUMENTS.get(name));
        });
    }

    /**
     * OpenAI's accumulation example: {@code if index not in final: final[index] = tool_call;
     * final[index].function.arguments += tool_call.function.arguments}.
     */
    private static Map<Integer, ObjectNode> accumulate(List<ObjectNode> chunks) {
        Map<Integer, ObjectNode> calls = new TreeMap<>();
        for (ObjectNode chunk : chunks) {
            if (chunk.get("choices").isEmpty()) {
                continue;
            }
            for (JsonNode fragment : chunk.at("/choices/0/delta/tool_calls")) {
                int index = fragment.get("index").intValue();
                ObjectNode call = calls.computeIfAbsent(index, i -> fragment.deepCopy());
                ObjectNode function = (ObjectNode) call.get("function");
                function.put("arguments", function.get("arguments").asText()
                        + fragment.at("/function/arguments").asText());
            }
        }
        return calls;
    }

    /** The tool calls openai-java's accumulator makes of the stream, each with arguments that parse. */
    private static List<ChatCompletionMessageFunctionToolCall.Function> sdkToolCalls(TestGateway gateway, String model) {
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(gateway.baseUrl()).apiKey(TestGateway.KEY).build();
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
                .model(model)
                .addUserMessage("SDK: what is the weather and the time in Paris?")
                .addFunctionTool(FunctionDefinition.builder().name("get_weather").build())
                .build();
        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            stream.stream().forEach(accumulator::accumulate);
        }
        List<ChatCompletionMessageFunctionToolCall.Function> calls = accumulator.chatCompletion().choices().getFirst()
                .message().toolCalls().orElseThrow().stream()
                .map(call -> call.function().orElseThrow().function())
                .toList();
        calls.forEach(call -> assertThat(json(call.arguments())).as(call.name())
                .isEqualTo(EXPECTED_ARGUMENTS.get(call.name())));
        client.close();
        return calls;
    }

    // ---------------------------------------------------------------- golden files

    private static String golden(String model) {
        return "provider-" + model;
    }

    /** The chunks, normalised, equal the golden file's lines (or rewrite it with tiergate.golden.update). */
    private static void assertGolden(String name, List<ObjectNode> chunks) throws IOException {
        List<String> actual = chunks.stream().map(ChatStreamShapesTest::normalised).toList();
        Path file = Path.of("src/test/resources/golden/streams", name + ".jsonl");
        if (UPDATE) {
            Files.write(file, actual, StandardCharsets.UTF_8);
        }
        String expected;
        try (InputStream in = ChatStreamShapesTest.class.getResourceAsStream("/golden/streams/" + name + ".jsonl")) {
            expected = UPDATE ? Files.readString(file)
                    : new String(Objects.requireNonNull(in, "golden file " + name).readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(actual).as("golden/streams/%s.jsonl", name).containsExactlyElementsOf(expected.lines().toList());
    }

    /** A chunk with its answer's id and time, and ids the gateway generated, replaced by placeholders. */
    private static String normalised(ObjectNode chunk) {
        ObjectNode copy = chunk.deepCopy();
        copy.put("id", "<id>");
        copy.put("created", 0);
        for (JsonNode choice : copy.path("choices")) {
            for (JsonNode fragment : choice.path("delta").path("tool_calls")) {
                if (fragment.has("id")) {
                    ((ObjectNode) fragment).put("id", fragment.get("id").asText()
                            .replaceAll("^call_[0-9a-f]{24}", "call_<generated>"));
                }
            }
        }
        return copy.toString();
    }

    // ---------------------------------------------------------------- HTTP

    private static List<ObjectNode> stream(TestGateway gateway, String model, String prompt, boolean usage)
            throws Exception {
        return chunks(HTTP.send(request(gateway, body(model, prompt, true, usage)),
                HttpResponse.BodyHandlers.ofInputStream()));
    }

    private static String body(String model, String prompt, boolean stream, boolean usage) {
        return """
                {"model":"%s","stream":%s,%s"messages":[{"role":"user","content":"%s"}],%s}
                """.formatted(model, stream, usage ? "\"stream_options\":{\"include_usage\":true}," : "", prompt, TOOLS);
    }

    private static HttpRequest request(TestGateway gateway, String body) {
        return HttpRequest.newBuilder(gateway.uri("/v1/chat/completions"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + TestGateway.KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private static List<ObjectNode> chunks(HttpResponse<InputStream> response) throws IOException {
        return chunks(text(response));
    }

    /** The body of an SSE answer. */
    private static String text(HttpResponse<InputStream> response) throws IOException {
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/event-stream"));
        try (InputStream in = response.body()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The {@code data:} payloads of an SSE body up to {@code [DONE]}, which must end it. */
    private static List<ObjectNode> chunks(String body) {
        assertThat(body).endsWith("data: [DONE]\n\n");
        List<ObjectNode> chunks = new ArrayList<>();
        for (String frame : body.split("\n\n")) {
            assertThat(frame).startsWith("data: ");
            String data = frame.substring("data: ".length());
            if (!data.equals("[DONE]")) {
                chunks.add((ObjectNode) json(data));
            }
        }
        return chunks;
    }

    private static void stub(String path, boolean stream, String fixture) {
        upstream.stubFor(post(urlEqualTo(path))
                .withRequestBody(matchingJsonPath("$.stream", equalTo(String.valueOf(stream))))
                .willReturn(stream ? sse(fixture) : jsonReply(fixture)));
        if (!stream) {
            // Anthropic's and OpenAI's plain requests may leave stream out
            upstream.stubFor(post(urlEqualTo(path)).atPriority(10).willReturn(jsonReply(fixture)));
        }
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder sse(String fixture) {
        return aResponse().withHeader("Content-Type", "text/event-stream").withBody(fixture(fixture))
                .withChunkedDribbleDelay(4, 40);
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder jsonReply(String fixture) {
        return aResponse().withHeader("Content-Type", "application/json").withBody(fixture(fixture));
    }

    private static String fixture(String name) {
        try (InputStream in = ChatStreamShapesTest.class.getResourceAsStream("/fixtures/streams/" + name)) {
            return new String(Objects.requireNonNull(in, name).readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parsed with decimals kept as written (the cost is a plain decimal on the wire). */
    private static JsonNode json(String text) {
        try {
            return DECIMALS.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
