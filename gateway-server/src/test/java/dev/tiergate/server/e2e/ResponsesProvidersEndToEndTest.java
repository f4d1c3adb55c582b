package dev.tiergate.server.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseStreamEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Responses API in front of each provider type, called by the official openai-java SDK through
 * the real server: an OpenAI-compatible, an Anthropic and a Gemini upstream (WireMock, answering
 * with fixtures built from each provider's documented formats, in
 * {@code fixtures/responses/<provider>/}). For each: create, a stream read by the SDK's
 * {@code ResponseAccumulator}, a function-calling loop continued with {@code previous_response_id}
 * (plain and streamed) whose tool result reaches the provider in its own format, retrieve, delete.
 */
class ResponsesProvidersEndToEndTest {
    private static final String TEXT = "Paris is the capital of France.";
    private static WireMockServer upstream;
    private static TestGateway gateway;
    private static OpenAIClient client;

    /** One provider type: the gateway's model name, its upstream paths and how a request of each kind looks. */
    enum Provider {
        OPENAI("gpt", "/v1/chat/completions", "/v1/chat/completions", "\"role\":\"tool\"", "\"tools\""),
        ANTHROPIC("claude", "/v1/messages", "/v1/messages", "\"tool_result\"", "\"tools\""),
        GEMINI("gemini", "/v1beta/models/gemini-2.5-flash:generateContent",
                "/v1beta/models/gemini-2.5-flash:streamGenerateContent", "\"functionResponse\"", "\"functionDeclarations\"");

        final String model;
        final String plainPath;
        final String streamPath;
        final String toolResultMark;
        final String toolsMark;

        Provider(String model, String plainPath, String streamPath, String toolResultMark, String toolsMark) {
            this.model = model;
            this.plainPath = plainPath;
            this.streamPath = streamPath;
            this.toolResultMark = toolResultMark;
            this.toolsMark = toolsMark;
        }

        String dir() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** A request to the plain or the streaming endpoint (OpenAI and Anthropic tell them by {@code "stream":true}). */
        MappingBuilder request(boolean stream) {
            MappingBuilder b = post(urlPathEqualTo(stream ? streamPath : plainPath));
            if (this != GEMINI) {
                b = b.withRequestBody(stream ? matching(".*\"stream\"\\s*:\\s*true.*")
                        : notContaining("\"stream\":true"));
            }
            return b;
        }

        ResponseDefinitionBuilder answer(String scenario, boolean stream) {
            String file = "fixtures/responses/" + dir() + "/" + scenario + (stream ? ".sse" : ".json");
            return aResponse().withStatus(200)
                    .withHeader("Content-Type", stream ? "text/event-stream" : "application/json")
                    .withBody(fixture(file));
        }

        String toolFixture() {
            return this == OPENAI ? "tool-calls" : this == ANTHROPIC ? "tool-use" : "function-call";
        }
    }

    @BeforeAll
    static void start() throws Exception {
        upstream = new WireMockServer(wireMockConfig().dynamicPort());
        upstream.start();
        stubProviders(upstream);
        gateway = TestGateway.start(providersYaml(upstream));
        client = OpenAIOkHttpClient.builder().baseUrl(gateway.baseUrl()).apiKey(TestGateway.KEY).maxRetries(0).build();
    }

    /**
     * Each provider's plain and streaming endpoint: a conversation with the tool's result gets the
     * text answer; with tools and no result yet, the tool call; otherwise the text answer.
     */
    static void stubProviders(WireMockServer upstream) {
        for (Provider p : Provider.values()) {
            for (boolean stream : new boolean[] {false, true}) {
                upstream.stubFor(p.request(stream).atPriority(1)
                        .withRequestBody(containing(p.toolResultMark)).willReturn(p.answer("text", stream)));
                upstream.stubFor(p.request(stream).atPriority(2)
                        .withRequestBody(containing(p.toolsMark)).willReturn(p.answer(p.toolFixture(), stream)));
                upstream.stubFor(p.request(stream).atPriority(3).willReturn(p.answer("text", stream)));
            }
        }
    }

    /** A gateway config with one model per provider type ({@link Provider#model}), all on {@code upstream}. */
    static String providersYaml(WireMockServer upstream) {
        return """
                server: {host: 127.0.0.1, request-timeout-seconds: 20}
                providers:
                  openai-compatible: {type: openai, base-url: "%1$s/v1", api-key: sk-up}
                  anthropic: {type: anthropic, base-url: "%1$s/v1", api-key: sk-ant}
                  gemini: {type: gemini, base-url: "%1$s/v1beta", api-key: g-key}
                models:
                  gpt: {provider: openai-compatible, upstream-model: gpt-4o-mini}
                  claude: {provider: anthropic, upstream-model: claude-sonnet-4-5}
                  gemini: {provider: gemini, upstream-model: gemini-2.5-flash}
                """.formatted("http://127.0.0.1:" + upstream.port());
    }

    @AfterAll
    static void stop() {
        try (TestGateway closing = gateway) {
            upstream.stop();
        }
    }

    @ParameterizedTest
    @EnumSource(Provider.class)
    void createRetrieveAndDelete(Provider provider) {
        Response created = client.responses().create(ResponseCreateParams.builder().model(provider.model)
                .instructions("Be brief.").input("Create: what is the capital of France?").build());

        assertThat(created.status()).contains(ResponseStatus.COMPLETED);
        assertThat(ResponsesEndToEndTest.text(created)).isEqualTo(TEXT);
        assertThat(created.usage().orElseThrow().inputTokens()).isEqualTo(14);
        assertThat(created.usage().orElseThrow().outputTokens()).isEqualTo(8);
        Response retrieved = client.responses().retrieve(created.id());
        assertThat(retrieved).isEqualTo(created);
        client.responses().delete(created.id());
        assertThatThrownBy(() -> client.responses().retrieve(created.id())).isInstanceOf(NotFoundException.class);
        upstream.verify(postRequestedFor(urlPathEqualTo(provider.plainPath))
                .withRequestBody(containing("Create: what is the capital of France?"))
                .withRequestBody(containing("Be brief.")));
    }

    @ParameterizedTest
    @EnumSource(Provider.class)
    void aStreamIsAccumulatedByTheSdk(Provider provider) {
        ResponseAccumulator accumulator = ResponseAccumulator.create();
        List<String> deltas = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(ResponseCreateParams
                .builder().model(provider.model).input("Stream: what is the capital of France?").build())) {
            stream.stream().forEach(event -> {
                accumulator.accumulate(event);
                event.outputTextDelta().ifPresent(d -> deltas.add(d.delta()));
            });
        }
        Response response = accumulator.response();
        assertThat(deltas).containsExactly("Paris is", " the capital", " of France.");
        assertThat(ResponsesEndToEndTest.text(response)).isEqualTo(TEXT);
        assertThat(response.status()).contains(ResponseStatus.COMPLETED);
        assertThat(response.usage().orElseThrow().totalTokens()).isEqualTo(22);
        assertThat(client.responses().retrieve(response.id())).isEqualTo(response);
    }

    @ParameterizedTest
    @EnumSource(Provider.class)
    void aFunctionCallingLoopContinuesWithPreviousResponseId(Provider provider) {
        Response first = client.responses().create(ResponseCreateParams.builder().model(provider.model)
                .input("Loop: what is the weather in Paris?").addTool(ResponsesEndToEndTest.weatherTool()).build());
        Response second = continueWithResult(provider, first, false);

        assertThat(ResponsesEndToEndTest.text(second)).isEqualTo(TEXT);
        assertThat(second.previousResponseId()).contains(first.id());
    }

    @ParameterizedTest
    @EnumSource(Provider.class)
    void aStreamedFunctionCallingLoopContinuesWithPreviousResponseId(Provider provider) {
        ResponseAccumulator accumulator = ResponseAccumulator.create();
        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(ResponseCreateParams
                .builder().model(provider.model).input("Streamed loop: what is the weather in Paris?")
                .addTool(ResponsesEndToEndTest.weatherTool()).build())) {
            stream.stream().forEach(accumulator::accumulate);
        }
        Response second = continueWithResult(provider, accumulator.response(), true);

        assertThat(ResponsesEndToEndTest.text(second)).isEqualTo(TEXT);
    }

    /** Checks the call in {@code first}, answers it with the tool's result, and returns the next response. */
    private static Response continueWithResult(Provider provider, Response first, boolean stream) {
        ResponseFunctionToolCall call = first.output().stream().flatMap(o -> o.functionCall().stream())
                .findFirst().orElseThrow();
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(call.arguments()).isEqualToIgnoringWhitespace("{\"city\":\"Paris\"}");
        ResponseCreateParams next = ResponseCreateParams.builder().model(provider.model)
                .previousResponseId(first.id())
                .inputOfResponse(List.of(ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput
                        .builder().callId(call.callId()).output("{\"celsius\":21}").build())))
                .addTool(ResponsesEndToEndTest.weatherTool())
                .build();
        Response second;
        if (stream) {
            ResponseAccumulator accumulator = ResponseAccumulator.create();
            try (StreamResponse<ResponseStreamEvent> events = client.responses().createStreaming(next)) {
                events.stream().forEach(accumulator::accumulate);
            }
            second = accumulator.response();
        } else {
            second = client.responses().create(next);
        }
        // the provider got the call and its result in its own format
        upstream.verify(postRequestedFor(urlPathEqualTo(stream ? provider.streamPath : provider.plainPath))
                .withRequestBody(containing(provider.toolResultMark))
                .withRequestBody(containing("celsius"))
                .withRequestBody(containing("get_weather")));
        if (provider != Provider.GEMINI) {   // Gemini names the call, not an id
            upstream.verify(postRequestedFor(urlPathEqualTo(stream ? provider.streamPath : provider.plainPath))
                    .withRequestBody(containing(call.callId())).withRequestBody(containing(provider.toolResultMark)));
        }
        return second;
    }

    static String fixture(String path) {
        try (InputStream in = ResponsesProvidersEndToEndTest.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("no fixture " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
