package dev.tiergate.server.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import java.util.ArrayList;
import java.util.List;

/** OpenAI-shaped answers for a WireMock upstream, and the gateway YAML that points at it. */
public final class UpstreamFixtures {
    public static final String ANSWER_WORDS = "The capital of France is Paris, a city on the Seine.";

    private UpstreamFixtures() {
    }

    static String gatewayYaml(int upstreamPort, int maxRequestBytes) {
        return """
                server:
                  host: 127.0.0.1
                  max-request-bytes: %d
                  request-timeout-seconds: 20
                providers:
                  up:
                    type: openai
                    base-url: http://127.0.0.1:%d/v1
                    api-key: sk-upstream-secret
                    connect-timeout-ms: 2000
                    read-timeout-ms: 10000
                models:
                  gpt-4o-mini: {provider: up, price: {input: 0.15, output: 0.60}}
                  gpt-4o: {provider: up, price: {input: 2.5, output: 10}}
                  text-embedding-3-small: {provider: up, kind: embedding, price: {input: 0.02}}
                aliases:
                  auto:
                    default-tier: small
                    tiers:
                      small: [gpt-4o-mini]
                      frontier: [gpt-4o]
                """.formatted(maxRequestBytes, upstreamPort);
    }

    public static String completionJson(String model, String content) {
        return """
                {"id":"chatcmpl-up1","object":"chat.completion","created":1700000000,"model":"%s",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"%s"},"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":12,"completion_tokens":11,"total_tokens":23},"service_tier":"default"}
                """.formatted(model, content);
    }

    /**
     * A gateway with three priced models on one upstream ({@code small-m}, {@code mid-m},
     * {@code big-m}, sent as {@code small-upstream}, ...) and the alias {@code auto} over them as tiers.
     */
    static String threeTiersYaml(int upstreamPort) {
        return """
                server: {host: 127.0.0.1, request-timeout-seconds: 20}
                providers:
                  up: {type: openai, base-url: "http://127.0.0.1:%d/v1"}
                models:
                  small-m: {provider: up, upstream-model: small-upstream, price: {input: 100, output: 100}}
                  mid-m: {provider: up, upstream-model: mid-upstream, price: {input: 1000, output: 1000}}
                  big-m: {provider: up, upstream-model: big-upstream, price: {input: 10000, output: 10000}}
                aliases:
                  auto:
                    tiers: {small: [small-m], mid: [mid-m], frontier: [big-m]}
                """.formatted(upstreamPort);
    }

    /**
     * Answers requests for {@code upstreamModel} with {@code response}: those whose prompt holds
     * {@code promptMarker} first, any other when the marker is empty.
     */
    static void stubModel(WireMockServer upstream, String upstreamModel, String promptMarker,
                          ResponseDefinitionBuilder response) {
        var request = post(urlEqualTo("/v1/chat/completions")).withRequestBody(
                com.github.tomakehurst.wiremock.client.WireMock.containing("\"" + upstreamModel + "\""));
        if (!promptMarker.isEmpty()) {
            request = request.withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing(promptMarker))
                    .atPriority(1);
        } else {
            request = request.atPriority(5);
        }
        upstream.stubFor(request.willReturn(response));
    }

    /** A plain answer with {@code content} and {@code finishReason}, usage 20 in and 10 out. */
    static ResponseDefinitionBuilder answer(String content, String finishReason) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("""
                {"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"m",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"%s"},"finish_reason":"%s"}],
                 "usage":{"prompt_tokens":20,"completion_tokens":10,"total_tokens":30}}""".formatted(content, finishReason));
    }

    /** SSE body: a role chunk, one chunk per word, a finish chunk, a usage chunk, [DONE]. */
    public static String streamBody(String model, String content) {
        List<String> frames = new ArrayList<>();
        frames.add(chunk(model, "{\"role\":\"assistant\",\"content\":\"\"}", null));
        String[] words = content.split("(?<= )");
        for (String w : words) {
            frames.add(chunk(model, "{\"content\":\"" + w + "\"}", null));
        }
        frames.add(chunk(model, "{}", "\"stop\""));
        frames.add("{\"id\":\"chatcmpl-up2\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\""
                + model + "\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":11,\"total_tokens\":23}}");
        StringBuilder sb = new StringBuilder();
        for (String f : frames) {
            sb.append("data: ").append(f).append("\n\n");
        }
        return sb.append("data: [DONE]\n\n").toString();
    }

    private static String chunk(String model, String delta, String finish) {
        return "{\"id\":\"chatcmpl-up2\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\""
                + model + "\",\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":" + finish + "}]}";
    }

    /** Stubs plain and streamed completions for any model; streams are dribbled in delayed chunks. */
    static void stubChat(WireMockServer upstream, int dribbleChunks, int dribbleMillis) {
        upstream.stubFor(post(urlEqualTo("/v1/chat/completions"))
                .withRequestBody(matchingJsonPath("$.stream", com.github.tomakehurst.wiremock.client.WireMock.equalTo("true")))
                .atPriority(1)
                .willReturn(aResponse().withStatus(200)
                        .withHeader("Content-Type", "text/event-stream")
                        .withBody(streamBody("gpt-4o-mini-2024-07-18", ANSWER_WORDS))
                        .withChunkedDribbleDelay(dribbleChunks, dribbleMillis)));
        upstream.stubFor(post(urlEqualTo("/v1/chat/completions"))
                .atPriority(5)
                .willReturn(aResponse().withStatus(200)
                        .withHeader("Content-Type", "application/json")
                        .withBody(completionJson("gpt-4o-mini-2024-07-18", ANSWER_WORDS))));
    }
}
