package dev.tiergate.server.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.tiergate.core.json.Json;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pass-through of an OpenAI-compatible upstream's bytes to a chat-completions client, through the
 * real server: the answer the client gets is the upstream's (fields nobody models included), plain
 * and frame by frame when streamed; the request goes up as the client wrote it but for the model
 * and stream options; usage, cost and the exact cache's recording stay what they were; a client in
 * another format (the Responses API) still gets an answer translated from decoded chunks.
 */
class PassThroughEndToEndTest {
    private static final ObjectMapper DECIMALS = Json.mapper().copy()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    /** Spacing, field order and fields no record models, as an upstream may write them. */
    static final String COMPLETION = """
            { "id": "chatcmpl-pt1",  "object": "chat.completion", "created": 1700000000,
              "model": "gpt-4o-mini-2024-07-18",
              "choices": [ { "index": 0, "message": { "role": "assistant", "content": "Paris.", "refusal": null,
                "annotations": [] }, "logprobs": null, "finish_reason": "stop" } ],
              "usage": { "prompt_tokens": 1000, "completion_tokens": 2000, "total_tokens": 3000,
                "prompt_tokens_details": { "cached_tokens": 0, "audio_tokens": 0 } },
              "service_tier": "default", "system_fingerprint": "fp_pt", "x_vendor": { "score": 0.50, "tags": ["a"] } }
            """;
    static final List<String> FRAMES = List.of(
            "{\"id\":\"chatcmpl-pt2\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gpt-4o-mini\","
                    + "\"service_tier\":\"default\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\","
                    + "\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null,\"obfuscation\":\"q8\"}",
            "{\"id\":\"chatcmpl-pt2\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gpt-4o-mini\","
                    + "\"service_tier\":\"default\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Par\"},\"logprobs\":null,"
                    + "\"finish_reason\":null}],\"usage\":null,\"obfuscation\":\"x1Zt\"}",
            "{\"id\":\"chatcmpl-pt2\", \"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gpt-4o-mini\","
                    + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"is.\"},\"logprobs\":null,\"finish_reason\":null}],"
                    + "\"usage\":null,\"x_vendor\":{\"n\":1.50}}",
            "{\"id\":\"chatcmpl-pt2\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gpt-4o-mini\","
                    + "\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":null}",
            "{\"id\":\"chatcmpl-pt2\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gpt-4o-mini\","
                    + "\"choices\":[],\"usage\":{\"prompt_tokens\":1000,\"completion_tokens\":2000,\"total_tokens\":3000,"
                    + "\"prompt_tokens_details\":{\"cached_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0}}}");
    /** 1000 input tokens at $0.15 and 2000 output tokens at $0.60 per million. */
    private static final BigDecimal COST = new BigDecimal("0.00135");
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static WireMockServer upstream;
    private static TestGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        upstream = new WireMockServer(wireMockConfig().dynamicPort());
        upstream.start();
        StringBuilder sse = new StringBuilder();
        for (String frame : FRAMES) {
            sse.append("data: ").append(frame).append("\n\n");
        }
        sse.append("data: [DONE]\n\n");
        upstream.stubFor(post(urlEqualTo("/v1/chat/completions"))
                .willReturn(aResponse().withHeader("content-type", "application/json").withBody(COMPLETION)));
        upstream.stubFor(post(urlEqualTo("/v1/chat/completions")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.stream", com.github.tomakehurst.wiremock.client.WireMock.equalTo("true")))
                .willReturn(aResponse().withHeader("content-type", "text/event-stream").withBody(sse.toString())));
        gateway = TestGateway.start("""
                server: {host: 127.0.0.1, request-timeout-seconds: 20}
                providers:
                  oai: {type: openai, base-url: "http://127.0.0.1:%d/v1", api-key: sk-upstream}
                models:
                  fast: {provider: oai, upstream-model: gpt-4o-mini, price: {input: 0.15, output: 0.60}}
                cache: {exact: {enabled: true, cache-non-deterministic: true}}
                """.formatted(upstream.port()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        upstream.stop();
    }

    @Test
    void aPlainAnswerIsTheUpstreamsBodyAndTheRequestGoesUpAsTheClientWroteIt() throws Exception {
        String body = """
                {"model":"fast", "messages":[{"role":"user","content":"Capital of France?"}],
                 "temperature": 0.70, "x_client_field": {"keep": [1, 2.50]}, "user": null}""";
        HttpResponse<String> response = send(body, "pt-plain");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(tree(response.body())).isEqualTo(tree(COMPLETION));
        assertThat(response.body()).as("byte for byte").isEqualTo(COMPLETION);
        assertThat(response.headers().firstValue("x-tiergate-cost-usd").map(BigDecimal::new))
                .hasValueSatisfying(cost -> assertThat(cost).isEqualByComparingTo(COST));
        JsonNode sent = tree(lastUpstreamBody());
        JsonNode expected = tree(body);
        ((com.fasterxml.jackson.databind.node.ObjectNode) expected).put("model", "gpt-4o-mini");
        assertThat(sent).as("the client's body, model patched, nothing dropped or added").isEqualTo(expected);
    }

    @Test
    void aStreamIsTheUpstreamsFramesWithCostAddedToTheUsageTheClientAskedFor() throws Exception {
        HttpResponse<String> response = send(streamBody("pt-stream-usage", true), null);

        List<String> frames = dataLines(response.body());
        assertThat(frames).hasSize(FRAMES.size() + 1);
        for (int i = 0; i < FRAMES.size() - 1; i++) {
            assertThat(frames.get(i)).as("frame %d as the upstream sent it", i).isEqualTo(FRAMES.get(i));
        }
        JsonNode usageChunk = tree(frames.get(FRAMES.size() - 1));
        assertThat(usageChunk.get("usage").get("cost_usd").decimalValue()).isEqualByComparingTo(COST);
        ((com.fasterxml.jackson.databind.node.ObjectNode) usageChunk.get("usage")).remove("cost_usd");
        assertThat(usageChunk).as("the usage frame but for cost_usd").isEqualTo(tree(FRAMES.getLast()));
        assertThat(frames.getLast()).isEqualTo("[DONE]");

        JsonNode sent = tree(lastUpstreamBody());
        assertThat(sent.get("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(sent.get("stream_options").get("include_usage").asBoolean()).isTrue();
        assertThat(sent.get("x_client_field").asText()).isEqualTo("pt-stream-usage");
    }

    @Test
    void aClientThatDidNotAskForUsageNeverSeesTheUsageFrame() throws Exception {
        HttpResponse<String> response = send(streamBody("pt-stream-plain", false), null);

        List<String> frames = dataLines(response.body());
        List<String> expected = new ArrayList<>(FRAMES.subList(0, FRAMES.size() - 1));
        expected.add("[DONE]");
        assertThat(frames).isEqualTo(expected);
        JsonNode sent = tree(lastUpstreamBody());
        assertThat(sent.get("stream_options").get("include_usage").asBoolean())
                .as("the gateway still asks for usage, for accounting").isTrue();
    }

    @Test
    void theExactCacheRecordsThePassedThroughStreamAndReplaysIt() throws Exception {
        String body = streamBody("pt-cache", true);
        int before = upstreamCalls();
        HttpResponse<String> first = send(body, null);
        HttpResponse<String> second = send(body, null);

        assertThat(upstreamCalls() - before).as("the second answer comes from the cache").isEqualTo(1);
        assertThat(first.headers().firstValue("x-tiergate-cache")).hasValue("miss");
        assertThat(second.headers().firstValue("x-tiergate-cache")).hasValue("hit");
        assertThat(text(second.body())).isEqualTo(text(first.body())).isEqualTo("Paris.");
        List<JsonNode> replayed = dataLines(second.body()).stream().filter(f -> !f.equals("[DONE]"))
                .map(PassThroughEndToEndTest::tree).toList();
        assertThat(replayed.stream().map(c -> c.path("choices").path(0).path("finish_reason").asText(null)))
                .contains("stop");
        assertThat(replayed.getLast().get("usage").get("completion_tokens").asInt()).isEqualTo(2000);
    }

    @Test
    void aClientOfTheResponsesApiGetsAnAnswerTranslatedFromDecodedChunks() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(gateway.uri("/v1/responses"))
                .header("authorization", "Bearer " + TestGateway.KEY).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"fast\",\"input\":\"pt-responses\",\"stream\":true}"))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        List<JsonNode> events = dataLines(response.body()).stream().map(PassThroughEndToEndTest::tree).toList();
        assertThat(events).extracting(e -> e.get("type").asText()).contains("response.output_text.delta")
                .endsWith("response.completed");
        assertThat(events).noneMatch(e -> e.has("object") && e.get("object").asText().equals("chat.completion.chunk"));
        assertThat(events.getLast().get("response").get("usage").get("output_tokens").asInt()).isEqualTo(2000);
    }

    private static String streamBody(String marker, boolean includeUsage) {
        return """
                {"model":"fast","stream":true,%s"messages":[{"role":"user","content":"Capital of France? %s"}],\
                "x_client_field":"%s"}""".formatted(includeUsage ? "\"stream_options\":{\"include_usage\":true}," : "",
                marker, marker);
    }

    private static HttpResponse<String> send(String body, String marker) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(gateway.uri("/v1/chat/completions"))
                .header("authorization", "Bearer " + TestGateway.KEY).header("content-type", "application/json")
                .header("x-tiergate-cache", marker == null ? "on" : "off")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String lastUpstreamBody() {
        List<LoggedRequest> requests = upstream.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions")));
        return requests.getLast().getBodyAsString();
    }

    private static int upstreamCalls() {
        return upstream.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions"))).size();
    }

    /** The payload of each {@code data:} line, in order. */
    private static List<String> dataLines(String sse) {
        return sse.lines().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
    }

    private static String text(String sse) {
        StringBuilder text = new StringBuilder();
        for (String frame : dataLines(sse)) {
            if (!frame.equals("[DONE]")) {
                tree(frame).path("choices").forEach(c -> text.append(c.path("delta").path("content").asText("")));
            }
        }
        return text.toString();
    }

    private static JsonNode tree(String json) {
        try {
            return DECIMALS.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException(json, e);
        }
    }
}
