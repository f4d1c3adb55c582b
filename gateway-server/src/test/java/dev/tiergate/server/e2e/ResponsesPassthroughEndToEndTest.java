package dev.tiergate.server.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.models.responses.WebSearchTool;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The pass-through mode: a provider with {@code options: {responses: passthrough}} gets the body
 * as the client sent it (model patched to its upstream name, built-in tools and all) at its
 * {@code /responses}, and the client gets the answer byte for byte, plain and streamed, while
 * auth, limits and accounting (the usage of the body or of {@code response.completed}) apply.
 */
class ResponsesPassthroughEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LIMITED_KEY = "sk-test-limited";
    private static final String PLAIN = fixture("response.json");
    private static final String STREAM = fixture("response.sse");
    private static WireMockServer upstream;
    private static TestGateway gateway;
    private static OpenAIClient client;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        upstream = new WireMockServer(wireMockConfig().dynamicPort());
        upstream.start();
        String base = "http://127.0.0.1:" + upstream.port() + "/v1";
        gateway = TestGateway.start("""
                server: {host: 127.0.0.1, request-timeout-seconds: 20}
                providers:
                  openai-responses: {type: openai, base-url: "%1$s", api-key: sk-up, options: {responses: passthrough}}
                  openai-chat: {type: openai, base-url: "%1$s", api-key: sk-up}
                models:
                  gpt-5: {provider: openai-responses, upstream-model: gpt-5-2025-08-07,
                          price: {input: 1.25, output: 10, cached-input: 0.125}}
                  gpt-4o-mini: {provider: openai-chat}
                """.formatted(base), Map.of(), Map.of("teams/team-a.yaml", TestGateway.teamYaml(""),
                "teams/limited.yaml", "id: limited\nkeys:\n  - id: k\n    sha256: " + TestGateway.sha256Hex(LIMITED_KEY)
                        + "\nlimits: {requests-per-minute: 1}\n"));
        client = OpenAIOkHttpClient.builder().baseUrl(gateway.baseUrl()).apiKey(TestGateway.KEY).maxRetries(0).build();
    }

    @BeforeEach
    void stubs() {
        upstream.resetAll();
        upstream.stubFor(WireMock.post(urlEqualTo("/v1/responses")).atPriority(1).withRequestBody(containing("extreme"))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody(fixture("error-400.json"))));
        upstream.stubFor(WireMock.post(urlEqualTo("/v1/responses")).atPriority(2).withRequestBody(containing("\"stream\":true"))
                .willReturn(aResponse().withHeader("Content-Type", "text/event-stream").withBody(STREAM)
                        .withChunkedDribbleDelay(6, 60)));
        upstream.stubFor(WireMock.post(urlEqualTo("/v1/responses")).atPriority(3)
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(PLAIN)));
    }

    @AfterAll
    static void stop() {
        try (TestGateway closing = gateway) {
            upstream.stop();
        }
    }

    @Test
    void aPlainAnswerComesBackByteForBytePricedFromItsUsage() throws Exception {
        HttpResponse<String> answer = post("""
                {"model":"gpt-5","input":"What is new in Tiergate?","tools":[{"type":"web_search"}],
                 "reasoning":{"effort":"minimal"},"include":["web_search_call.action.sources"]}""", TestGateway.KEY);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo(PLAIN);
        assertThat(answer.headers().firstValue("x-tiergate-provider")).hasValue("openai-responses");
        // (100 - 40) x 1.25 + 40 x 0.125 + 50 x 10, per million tokens
        assertThat(new BigDecimal(answer.headers().firstValue("x-tiergate-cost-usd").orElseThrow()))
                .isEqualByComparingTo("0.00058");
        upstream.verify(postRequestedFor(urlEqualTo("/v1/responses"))
                .withHeader("Authorization", equalTo("Bearer sk-up"))
                .withRequestBody(equalToJson("""
                        {"model":"gpt-5-2025-08-07","input":"What is new in Tiergate?","tools":[{"type":"web_search"}],
                         "reasoning":{"effort":"minimal"},"include":["web_search_call.action.sources"]}""")));

        Response parsed = client.responses().create(ResponseCreateParams.builder().model("gpt-5")
                .input("What is new in Tiergate?").addTool(WebSearchTool.builder()
                        .type(WebSearchTool.Type.WEB_SEARCH).build()).build());
        assertThat(ResponsesEndToEndTest.text(parsed)).isEqualTo("Tiergate passed this through.");
        assertThat(parsed.id()).isEqualTo("resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b");
    }

    @Test
    void aStreamComesBackEventForEventAndItsUsageIsRecorded() throws Exception {
        HttpResponse<String> answer = post("""
                {"model":"gpt-5","input":"Stream it","stream":true}""", TestGateway.KEY);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("content-type").orElseThrow()).startsWith("text/event-stream");
        assertThat(answer.body()).isEqualTo(STREAM);

        ResponseAccumulator accumulator = ResponseAccumulator.create();
        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(
                ResponseCreateParams.builder().model("gpt-5").input("Stream it again").build())) {
            stream.stream().forEach(accumulator::accumulate);
        }
        assertThat(ResponsesEndToEndTest.text(accumulator.response())).isEqualTo("Tiergate passed this through.");

        gateway.flushUsage();
        JsonNode usage = JSON.readTree(get("/v1/usage", TestGateway.KEY).body());
        JsonNode gpt5 = null;
        for (JsonNode row : usage.path("by_model")) {
            if ("gpt-5".equals(row.path("model").asText())) {
                gpt5 = row;
            }
        }
        assertThat(gpt5).as("usage of gpt-5 in %s", usage).isNotNull();
        assertThat(gpt5.path("requests").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(gpt5.path("output_tokens").asLong() % 50).isZero();
        assertThat(gpt5.path("output_tokens").asLong()).isEqualTo(50L * gpt5.path("requests").asLong());
    }

    @Test
    void authLimitsAndUpstreamErrorsStillApply() throws Exception {
        assertThat(post("{\"model\":\"gpt-5\",\"input\":\"hi\"}", "sk-wrong").statusCode()).isEqualTo(401);
        upstream.verify(0, postRequestedFor(urlEqualTo("/v1/responses")));

        assertThat(post("{\"model\":\"gpt-5\",\"input\":\"one\"}", LIMITED_KEY).statusCode()).isEqualTo(200);
        HttpResponse<String> limited = post("{\"model\":\"gpt-5\",\"input\":\"two\"}", LIMITED_KEY);
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(JSON.readTree(limited.body()).at("/error/code").asText()).isEqualTo("rate_limit_exceeded");
        upstream.verify(1, postRequestedFor(urlEqualTo("/v1/responses")));

        HttpResponse<String> refused = post("""
                {"model":"gpt-5","input":"hi","reasoning":{"effort":"extreme"}}""", TestGateway.KEY);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(refused.body()).at("/error/message").asText()).contains("reasoning.effort");
    }

    @Test
    void aModelOnAProviderWithoutPassthroughIsTranslatedOntoChat() throws Exception {
        upstream.stubFor(WireMock.post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json")
                .withBody(UpstreamFixtures.completionJson("gpt-4o-mini", "Translated."))));
        HttpResponse<String> answer = post("{\"model\":\"gpt-4o-mini\",\"input\":\"hi\"}", TestGateway.KEY);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(answer.body()).at("/output/0/content/0/text").asText()).isEqualTo("Translated.");
        upstream.verify(0, postRequestedFor(urlEqualTo("/v1/responses")));
        // a built-in tool is refused there, as before
        assertThat(post("{\"model\":\"gpt-4o-mini\",\"input\":\"hi\",\"tools\":[{\"type\":\"web_search\"}]}",
                TestGateway.KEY).statusCode()).isEqualTo(400);
    }

    private static HttpResponse<String> post(String body, String key) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(gateway.uri("/v1/responses")).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path, String key) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(gateway.uri(path)).header("Authorization", "Bearer " + key).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String fixture(String name) {
        try (InputStream in = ResponsesPassthroughEndToEndTest.class.getClassLoader()
                .getResourceAsStream("fixtures/responses/openai-passthrough/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
