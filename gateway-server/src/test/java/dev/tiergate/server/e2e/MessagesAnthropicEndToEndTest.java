package dev.tiergate.server.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.NotFoundException;
import com.anthropic.errors.OverloadedException;
import com.anthropic.errors.RateLimitException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.ThinkingBlock;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.models.ModelInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.tiergate.core.json.Json;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Messages API in front of an Anthropic upstream as Claude Code uses it, and its surface: a
 * Claude-Code-like request (a long system prompt and tools with {@code cache_control}, extended
 * thinking, a history with a signed thinking block and an erroring tool result, {@code anthropic-beta}
 * flags the gateway does not know, a field it does not model, streaming) reaches Anthropic as the
 * client wrote it, and Anthropic's events (thinking and signature deltas included) reach the client
 * as Anthropic sent them; errors in Anthropic's shape and statuses; {@code count_tokens} within its
 * documented tolerance of Anthropic's published counts; {@code GET /v1/models} in Anthropic's shape.
 */
class MessagesAnthropicEndToEndTest {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String MARK = "tiergate-claude-code-fixture";
    private static final String BETAS = "claude-code-20250219,interleaved-thinking-2025-05-14,"
            + "fine-grained-tool-streaming-2025-05-14,a-beta-nobody-knows-2099-01-01";
    private static WireMockServer upstream;
    private static TestGateway gateway;
    private static AnthropicClient client;
    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        upstream = new WireMockServer(wireMockConfig().dynamicPort());
        upstream.start();
        String fixtures = "fixtures/messages/anthropic/";
        upstream.stubFor(post(urlPathEqualTo("/v1/messages")).withRequestBody(containing(MARK))
                .withRequestBody(matching(".*\"stream\"\\s*:\\s*true.*"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream")
                        .withBody(ResponsesProvidersEndToEndTest.fixture(fixtures + "thinking-tool-use.sse"))));
        upstream.stubFor(post(urlPathEqualTo("/v1/messages")).withRequestBody(containing(MARK))
                .withRequestBody(notContaining("\"stream\":true"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody(ResponsesProvidersEndToEndTest.fixture(fixtures + "thinking-tool-use.json"))));
        upstream.stubFor(post(urlPathEqualTo("/busy/v1/messages")).willReturn(aResponse().withStatus(529)
                .withHeader("Content-Type", "application/json")
                .withBody(ResponsesProvidersEndToEndTest.fixture(fixtures + "overloaded.json"))));
        upstream.stubFor(post(urlPathEqualTo("/limited/v1/messages")).willReturn(aResponse().withStatus(429)
                .withHeader("Content-Type", "application/json").withHeader("retry-after", "7")
                .withBody("{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"slow down\"}}")));
        gateway = TestGateway.start("""
                server: {host: 127.0.0.1, request-timeout-seconds: 20}
                providers:
                  anthropic: {type: anthropic, base-url: "%1$s/v1", api-key: sk-ant-upstream}
                  anthropic-busy: {type: anthropic, base-url: "%1$s/busy/v1", api-key: sk-ant-upstream}
                  anthropic-limited: {type: anthropic, base-url: "%1$s/limited/v1", api-key: sk-ant-upstream}
                models:
                  claude-sonnet-4-5: {provider: anthropic, upstream-model: claude-sonnet-4-5-20250929}
                  claude-busy: {provider: anthropic-busy}
                  claude-limited: {provider: anthropic-limited}
                resilience:
                  retry: {max-attempts: 1}
                """.formatted("http://127.0.0.1:" + upstream.port()));
        client = MessagesProvidersEndToEndTest.client(gateway);
    }

    @AfterAll
    static void stop() {
        try (TestGateway closing = gateway) {
            upstream.stop();
        }
    }

    @Test
    void aClaudeCodeLikeStreamPassesThroughFaithfully() throws Exception {
        ObjectNode body = claudeCodeRequest(true);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(gateway.uri("/v1/messages"))
                .header("x-api-key", TestGateway.KEY).header("anthropic-version", "2023-06-01")
                .header("anthropic-beta", BETAS).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                v -> assertThat(v).startsWith("text/event-stream"));
        assertThat(response.headers().firstValue("x-tiergate-provider")).contains("anthropic");
        // every event as Anthropic sent it, in its order: thinking, its signature, text, tool input
        assertThat(events(response.body())).isEqualTo(events(ResponsesProvidersEndToEndTest.fixture(
                "fixtures/messages/anthropic/thinking-tool-use.sse")));
        // and Anthropic got the request as the client wrote it, but for the model's upstream name
        ObjectNode expected = body.deepCopy().put("model", "claude-sonnet-4-5-20250929");
        upstream.verify(postRequestedFor(urlPathEqualTo("/v1/messages"))
                .withRequestBody(equalToJson(expected.toString()))
                .withHeader("anthropic-beta", equalTo(BETAS))
                .withHeader("anthropic-version", equalTo("2023-06-01"))
                .withHeader("x-api-key", equalTo("sk-ant-upstream")));
    }

    @Test
    void aPlainAnswerWithThinkingIsAnthropicsAsItCame() throws Exception {
        ObjectNode body = claudeCodeRequest(false);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(gateway.uri("/v1/messages"))
                .header("authorization", "Bearer " + TestGateway.KEY).header("anthropic-version", "2023-06-01")
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Json.mapper().readTree(response.body())).isEqualTo(Json.mapper().readTree(
                ResponsesProvidersEndToEndTest.fixture("fixtures/messages/anthropic/thinking-tool-use.json")));
        upstream.verify(postRequestedFor(urlPathEqualTo("/v1/messages"))
                .withRequestBody(equalToJson(body.deepCopy().put("model", "claude-sonnet-4-5-20250929").toString())));
    }

    @Test
    void theSdkGetsTheThinkingBlockWithItsSignature() {
        MessageAccumulator accumulator = MessageAccumulator.create();
        List<String> thinking = new ArrayList<>();
        try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(MessageCreateParams
                .builder().model("claude-sonnet-4-5").maxTokens(16000).enabledThinking(8000)
                .addUserMessage("Fix the failing tests " + MARK).build())) {
            stream.stream().forEach(event -> {
                accumulator.accumulate(event);
                event.contentBlockDelta().flatMap(d -> d.delta().thinking()).ifPresent(t -> thinking.add(t.thinking()));
            });
        }
        Message message = accumulator.message();
        ThinkingBlock block = message.content().getFirst().asThinking();

        assertThat(thinking).hasSize(2);
        assertThat(block.thinking()).isEqualTo(String.join("", thinking));
        assertThat(block.signature()).startsWith("EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds8h");
        assertThat(message.content().get(2).asToolUse()._input().convert(Map.class))
                .isEqualTo(Map.of("file_path", "/repo/src/app.py"));
        assertThat(message.usage().cacheReadInputTokens()).contains(6150L);
    }

    @Test
    void errorsHaveAnthropicsShapeAndStatus() throws Exception {
        HttpResponse<String> noKey = postRaw("{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":10,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", null);
        assertError(noKey, 401, "authentication_error");
        assertThat(noKey.headers().firstValue("request-id")).isPresent();

        assertError(postRaw("{\"model\":\"claude-sonnet-4-5\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                TestGateway.KEY), 400, "invalid_request_error");
        assertError(postRaw("{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":10,"
                + "\"messages\":[{\"role\":\"tool\",\"content\":\"hi\"}]}", TestGateway.KEY), 400, "invalid_request_error");
        assertError(postRaw("{\"model\":\"claude-nope\",\"max_tokens\":10,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", TestGateway.KEY), 404, "not_found_error");
        HttpResponse<String> busy = postRaw("{\"model\":\"claude-busy\",\"max_tokens\":10,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", TestGateway.KEY);
        assertError(busy, 529, "overloaded_error");
        assertThat(busy.headers().firstValue("retry-after")).isPresent();
        HttpResponse<String> limited = postRaw("{\"model\":\"claude-limited\",\"max_tokens\":10,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", TestGateway.KEY);
        assertError(limited, 429, "rate_limit_error");
        assertThat(limited.headers().firstValue("retry-after")).contains("7");
    }

    @Test
    void theSdkReadsTheErrorsAsAnthropicsOwn() {
        assertThatThrownBy(() -> client.messages().create(params("claude-nope"))).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> client.messages().create(params("claude-busy"))).isInstanceOf(OverloadedException.class);
        assertThatThrownBy(() -> client.messages().create(params("claude-limited")))
                .isInstanceOf(RateLimitException.class);
    }

    /**
     * Anthropic's token counting guide publishes the count of two requests to Claude Sonnet 4:
     * 14 tokens for a system prompt and one message, 403 with a weather tool. The estimate must be
     * within 15% (and 5 tokens for the small one) of both.
     */
    @Test
    void countTokensIsWithinTheDocumentedToleranceOfAnthropicsCounts() {
        long plain = client.messages().countTokens(MessageCountTokensParams.builder().model("claude-sonnet-4-5")
                .system("You are a scientist").addUserMessage("Hello, Claude").build()).inputTokens();
        Tool weather = Tool.builder().name("get_weather").description("Get the current weather in a given location")
                .inputSchema(Tool.InputSchema.builder().properties(com.anthropic.core.JsonValue.from(Map.of(
                        "location", Map.of("type", "string", "description", "The city and state, e.g. San Francisco, CA"))))
                        .putAdditionalProperty("required", com.anthropic.core.JsonValue.from(List.of("location")))
                        .build()).build();
        long tools = client.messages().countTokens(MessageCountTokensParams.builder().model("claude-sonnet-4-5")
                .addTool(weather).addUserMessage("What's the weather like in San Francisco?").build()).inputTokens();

        System.out.printf("count_tokens: plain %d (Anthropic 14), with a tool %d (Anthropic 403)%n", plain, tools);
        assertThat(Math.abs(plain - 14)).isLessThanOrEqualTo(5);
        assertThat(Math.abs(tools - 403)).isLessThanOrEqualTo((long) (403 * 0.15));
    }

    @Test
    void modelsAreListedInAnthropicsShapeForAnAnthropicClient() throws Exception {
        List<String> ids = client.models().list().data().stream().map(ModelInfo::id).toList();
        assertThat(ids).contains("claude-sonnet-4-5", "claude-busy");

        HttpResponse<String> raw = http.send(HttpRequest.newBuilder(gateway.uri("/v1/models"))
                .header("x-api-key", TestGateway.KEY).header("anthropic-version", "2023-06-01").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode list = Json.mapper().readTree(raw.body());
        assertThat(list.path("has_more").asBoolean(true)).isFalse();
        assertThat(list.path("data").get(0).path("type").asText()).isEqualTo("model");
        HttpResponse<String> openAi = http.send(HttpRequest.newBuilder(gateway.uri("/v1/models"))
                .header("authorization", "Bearer " + TestGateway.KEY).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(Json.mapper().readTree(openAi.body()).path("object").asText()).isEqualTo("list");
    }

    private static MessageCreateParams params(String model) {
        return MessageCreateParams.builder().model(model).maxTokens(10).addUserMessage("hi").build();
    }

    private static HttpResponse<String> postRaw(String body, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(gateway.uri("/v1/messages")).header("content-type",
                "application/json").header("anthropic-version", "2023-06-01");
        if (key != null) {
            b.header("x-api-key", key);
        }
        return http.send(b.POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertError(HttpResponse<String> response, int status, String type) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode body = Json.mapper().readTree(response.body());
        assertThat(body.path("type").asText()).isEqualTo("error");
        assertThat(body.path("error").path("type").asText()).isEqualTo(type);
        assertThat(body.path("error").path("message").asText()).isNotBlank();
    }

    /** Each SSE event as its name and its data's JSON, in order. */
    static List<Map.Entry<String, JsonNode>> events(String sse) throws Exception {
        List<Map.Entry<String, JsonNode>> events = new ArrayList<>();
        String name = null;
        for (String line : sse.split("\r?\n")) {
            if (line.startsWith("event:")) {
                name = line.substring(6).strip();
            } else if (line.startsWith("data:")) {
                events.add(Map.entry(name, Json.mapper().readTree(line.substring(5).strip())));
                name = null;
            }
        }
        return events;
    }

    /**
     * A request shaped like Claude Code's: a system prompt of two blocks (the second long, ~80 KB)
     * with {@code cache_control}, 24 tools (the last with {@code cache_control}), thinking, metadata,
     * a field the gateway does not model, and a history with a signed thinking block, a tool call and
     * its erroring result (with {@code cache_control}).
     */
    private static ObjectNode claudeCodeRequest(boolean stream) {
        ObjectNode body = NODES.objectNode().put("model", "claude-sonnet-4-5").put("max_tokens", 32000);
        ArrayNode system = body.putArray("system");
        system.addObject().put("type", "text").put("text", "You are Claude Code, Anthropic's official CLI for Claude.")
                .putObject("cache_control").put("type", "ephemeral");
        system.addObject().put("type", "text").put("text", "You are an interactive CLI tool. ".repeat(2500) + MARK)
                .putObject("cache_control").put("type", "ephemeral");
        ArrayNode tools = body.putArray("tools");
        for (int i = 0; i < 24; i++) {
            ObjectNode tool = tools.addObject().put("name", "Tool" + i).put("description", "Tool number " + i);
            ObjectNode schema = tool.putObject("input_schema").put("type", "object");
            schema.putObject("properties").putObject("file_path").put("type", "string");
            schema.putArray("required").add("file_path");
            schema.put("additionalProperties", false).put("$schema", "http://json-schema.org/draft-07/schema#");
        }
        ((ObjectNode) tools.get(23)).putObject("cache_control").put("type", "ephemeral");
        body.putObject("thinking").put("type", "enabled").put("budget_tokens", 31999);
        body.putObject("metadata").put("user_id", "user_4b2e_account_77c1_session_e3f0a9");
        body.putObject("context_management").putArray("edits").addObject().put("type", "clear_thinking_20251015");
        ArrayNode messages = body.putArray("messages");
        messages.addObject().put("role", "user").put("content", "The tests fail. Fix them.");
        ObjectNode assistant = messages.addObject().put("role", "assistant");
        ArrayNode said = assistant.putArray("content");
        said.addObject().put("type", "thinking").put("thinking", "I should run the tests first.")
                .put("signature", "ErUBCkYIBhgCIkDyFlXc2XpOm9DJ0vuzKmh7fX7rY3KbmC7pZz0Ru0mEg==");
        said.addObject().put("type", "tool_use").put("id", "toolu_01RunTests").put("name", "Tool0")
                .putObject("input").put("file_path", "/repo/tests");
        ArrayNode result = messages.addObject().put("role", "user").putArray("content");
        ObjectNode toolResult = result.addObject().put("type", "tool_result").put("tool_use_id", "toolu_01RunTests")
                .put("is_error", true);
        toolResult.putArray("content").addObject().put("type", "text").put("text", "ImportError: no module named app");
        toolResult.putObject("cache_control").put("type", "ephemeral");
        if (stream) {
            body.put("stream", true);
        }
        return body;
    }
}
