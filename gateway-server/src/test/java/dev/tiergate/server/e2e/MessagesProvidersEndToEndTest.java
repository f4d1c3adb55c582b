package dev.tiergate.server.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.HttpResponseFor;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.tiergate.server.e2e.ResponsesProvidersEndToEndTest.Provider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Anthropic Messages API in front of each provider type, called by the official Anthropic Java
 * SDK through the real server: an OpenAI-compatible, an Anthropic and a Gemini upstream (WireMock,
 * answering with the fixtures of each provider's documented formats that the Responses API tests
 * use). For each: a plain message, a stream read by the SDK's {@code MessageAccumulator}, and a
 * tool-use loop (plain and streamed) whose tool result reaches the provider in its own format; then
 * the pipeline around them: the alias {@code auto}, the exact cache, the {@code x-tiergate-*} headers.
 */
class MessagesProvidersEndToEndTest {
    private static final String TEXT = "Paris is the capital of France.";
    private static WireMockServer upstream;
    private static TestGateway gateway;
    private static AnthropicClient client;

    @BeforeAll
    static void start() throws Exception {
        upstream = new WireMockServer(wireMockConfig().dynamicPort());
        upstream.start();
        ResponsesProvidersEndToEndTest.stubProviders(upstream);
        gateway = TestGateway.start(ResponsesProvidersEndToEndTest.providersYaml(upstream) + """
                aliases:
                  auto:
                    default-tier: mid
                    tiers: {small: [gpt], mid: [gemini], frontier: [claude]}
                  "claude-sonnet-*":
                    default-tier: frontier
                    tiers: {small: [gpt], frontier: [claude]}
                cache:
                  exact: {enabled: true}
                """);
        client = client(gateway);
    }

    /** The SDK pointed at the gateway (its base URL has no {@code /v1}: the SDK adds it), without retries. */
    static AnthropicClient client(TestGateway gateway) {
        return AnthropicOkHttpClient.builder().baseUrl("http://127.0.0.1:" + gateway.port()).apiKey(TestGateway.KEY)
                .maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        try (TestGateway closing = gateway) {
            upstream.stop();
        }
    }

    @ParameterizedTest
    @EnumSource(Provider.class)
    void aPlainMessage(Provider provider) {
        HttpResponseFor<Message> raw = client.messages().withRawResponse().create(MessageCreateParams.builder()
                .model(provider.model).maxTokens(256).system("Be brief.")
                .addUserMessage("Plain: what is the capital of France?").build());
        Message message = raw.parse();

        assertThat(text(message)).isEqualTo(TEXT);
        assertThat(message.stopReason()).contains(StopReason.END_TURN);
        assertThat(message.usage().inputTokens()).isEqualTo(14);
        assertThat(message.usage().outputTokens()).isEqualTo(8);
        assertThat(raw.headers().values("x-tiergate-provider")).isNotEmpty();
        assertThat(raw.headers().values("x-tiergate-cache")).containsExactly("miss");
        assertThat(raw.headers().values("request-id")).hasSize(1);
        upstream.verify(postRequestedFor(urlPathEqualTo(provider.plainPath))
                .withRequestBody(containing("Plain: what is the capital of France?"))
                .withRequestBody(containing("Be brief.")));
    }

    @ParameterizedTest
    @EnumSource(Provider.class)
    void aStreamIsAccumulatedByTheSdk(Provider provider) {
        MessageAccumulator accumulator = MessageAccumulator.create();
        List<String> deltas = new ArrayList<>();
        List<String> types = new ArrayList<>();
        try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(MessageCreateParams
                .builder().model(provider.model).maxTokens(256)
                .addUserMessage("Stream: what is the capital of France?").build())) {
            stream.stream().forEach(event -> {
                accumulator.accumulate(event);
                types.add(type(event));
                event.contentBlockDelta().flatMap(d -> d.delta().text()).ifPresent(t -> deltas.add(t.text()));
            });
        }
        Message message = accumulator.message();

        assertThat(deltas).containsExactly("Paris is", " the capital", " of France.");
        assertThat(text(message)).isEqualTo(TEXT);
        assertThat(message.stopReason()).contains(StopReason.END_TURN);
        assertThat(message.usage().outputTokens()).isEqualTo(8);
        assertThat(types.getFirst()).isEqualTo("message_start");
        assertThat(types.subList(types.size() - 2, types.size())).containsExactly("message_delta", "message_stop");
        assertThat(types).contains("content_block_start", "content_block_stop");
    }

    @ParameterizedTest
    @EnumSource(Provider.class)
    void aToolUseLoop(Provider provider) {
        toolUseLoop(provider, false);
    }

    @ParameterizedTest
    @EnumSource(Provider.class)
    void aStreamedToolUseLoop(Provider provider) {
        toolUseLoop(provider, true);
    }

    @Test
    void theAliasAutoIsRoutedToATier() {
        HttpResponseFor<Message> raw = client.messages().withRawResponse().create(MessageCreateParams.builder()
                .model("auto").maxTokens(256).addUserMessage("Routed: what is the capital of France?").build());

        assertThat(text(raw.parse())).isEqualTo(TEXT);
        assertThat(raw.headers().values("x-tiergate-tier")).containsExactly("mid");
        assertThat(raw.headers().values("x-tiergate-model")).containsExactly("gemini");
    }

    @Test
    void claudeModelNamesAreMappedByAPatternAlias() {
        HttpResponseFor<Message> raw = client.messages().withRawResponse().create(MessageCreateParams.builder()
                .model("claude-sonnet-4-5-20250929").maxTokens(256)
                .addUserMessage("Mapped: what is the capital of France?").build());

        assertThat(text(raw.parse())).isEqualTo(TEXT);
        assertThat(raw.headers().values("x-tiergate-tier")).containsExactly("frontier");
        assertThat(raw.headers().values("x-tiergate-model")).containsExactly("claude");
        upstream.verify(postRequestedFor(urlPathEqualTo("/v1/messages"))
                .withRequestBody(containing("Mapped: what is the capital of France?"))
                .withRequestBody(containing("\"model\":\"claude-sonnet-4-5\"")));
    }

    @Test
    void aRepeatedRequestIsServedFromTheExactCache() {
        MessageCreateParams params = MessageCreateParams.builder().model("claude").maxTokens(256)
                .addUserMessage("Cached: what is the capital of France?").build();
        HttpResponseFor<Message> first = client.messages().withRawResponse().create(params);
        HttpResponseFor<Message> second = client.messages().withRawResponse().create(params);

        assertThat(first.headers().values("x-tiergate-cache")).containsExactly("miss");
        assertThat(second.headers().values("x-tiergate-cache")).containsExactly("hit");
        assertThat(text(second.parse())).isEqualTo(TEXT);
        upstream.verify(1, postRequestedFor(urlPathEqualTo("/v1/messages"))
                .withRequestBody(containing("Cached: what is the capital of France?")));
    }

    /** Asks with a tool, checks the call, answers it with the tool's result and checks the final text. */
    private static void toolUseLoop(Provider provider, boolean stream) {
        String question = (stream ? "Streamed loop" : "Loop") + ": what is the weather in Paris?";
        MessageCreateParams first = MessageCreateParams.builder().model(provider.model).maxTokens(256)
                .addTool(weatherTool()).addUserMessage(question).build();
        Message call = send(first, stream);
        assertThat(call.stopReason()).contains(StopReason.TOOL_USE);
        ToolUseBlock use = call.content().stream().flatMap(b -> b.toolUse().stream()).findFirst().orElseThrow();
        assertThat(use.name()).isEqualTo("get_weather");
        assertThat(use._input().convert(Map.class)).isEqualTo(Map.of("city", "Paris"));

        MessageCreateParams next = first.toBuilder().addMessage(call)
                .addUserMessageOfContentBlockParams(List.of(ContentBlockParam.ofToolResult(ToolResultBlockParam.builder()
                        .toolUseId(use.id()).content("{\"celsius\":21}").build())))
                .build();
        Message answer = send(next, stream);

        assertThat(text(answer)).isEqualTo(TEXT);
        String path = stream ? provider.streamPath : provider.plainPath;
        upstream.verify(postRequestedFor(urlPathEqualTo(path)).withRequestBody(containing(provider.toolResultMark))
                .withRequestBody(containing("celsius")).withRequestBody(containing("get_weather")));
        if (provider != Provider.GEMINI) {   // Gemini names the call, not an id
            upstream.verify(postRequestedFor(urlPathEqualTo(path)).withRequestBody(containing(use.id()))
                    .withRequestBody(containing(provider.toolResultMark)));
        }
    }

    private static Message send(MessageCreateParams params, boolean stream) {
        if (!stream) {
            return client.messages().create(params);
        }
        MessageAccumulator accumulator = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> events = client.messages().createStreaming(params)) {
            events.stream().forEach(accumulator::accumulate);
        }
        return accumulator.message();
    }

    static Tool weatherTool() {
        return Tool.builder().name("get_weather").description("The current weather in a city")
                .inputSchema(Tool.InputSchema.builder()
                        .properties(JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("city"))).build())
                .build();
    }

    static String text(Message message) {
        StringBuilder text = new StringBuilder();
        for (ContentBlock block : message.content()) {
            block.text().ifPresent(t -> text.append(t.text()));
        }
        return text.toString();
    }

    static String type(RawMessageStreamEvent event) {
        if (event.isMessageStart()) {
            return "message_start";
        }
        if (event.isMessageDelta()) {
            return "message_delta";
        }
        if (event.isMessageStop()) {
            return "message_stop";
        }
        if (event.isContentBlockStart()) {
            return "content_block_start";
        }
        if (event.isContentBlockDelta()) {
            return "content_block_delta";
        }
        return event.isContentBlockStop() ? "content_block_stop" : "other";
    }
}
