package dev.tiergate.server.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;

/**
 * A WireMock OpenAI provider behind three models of rising price (small, mid, big) and the alias
 * {@code auto} over them, whose answers are chosen by the upstream model and a marker in the prompt:
 * the setting of the cascade's end-to-end tests.
 */
final class CascadeUpstream {
    private CascadeUpstream() {
    }

    /** The {@code providers}, {@code models} and {@code aliases} of gateway.yaml for the provider on {@code port}. */
    static String modelsYaml(int port) {
        return """
                providers:
                  up: {type: openai, base-url: "http://127.0.0.1:%d/v1"}
                models:
                  small-m: {provider: up, upstream-model: small-upstream, price: {input: 100, output: 100}}
                  mid-m: {provider: up, upstream-model: mid-upstream, price: {input: 1000, output: 1000}}
                  big-m: {provider: up, upstream-model: big-upstream, price: {input: 10000, output: 10000}}
                aliases:
                  auto:
                    tiers: {small: [small-m], mid: [mid-m], frontier: [big-m]}
                """.formatted(port);
    }

    /** {@code upstreamModel} answers {@code response} to a prompt with {@code promptMarker} (empty: to any other). */
    static void stub(WireMockServer upstream, String upstreamModel, String promptMarker, ResponseDefinitionBuilder response) {
        var request = post(urlEqualTo("/v1/chat/completions")).withRequestBody(containing("\"" + upstreamModel + "\""));
        if (!promptMarker.isEmpty()) {
            request = request.withRequestBody(containing(promptMarker)).atPriority(1);
        } else {
            request = request.atPriority(5);
        }
        upstream.stubFor(request.willReturn(response));
    }

    /** A chat completion of {@code content} (20 tokens in, 10 out). */
    static ResponseDefinitionBuilder answer(String content, String finishReason) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("""
                {"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"m",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"%s"},"finish_reason":"%s"}],
                 "usage":{"prompt_tokens":20,"completion_tokens":10,"total_tokens":30}}""".formatted(content, finishReason));
    }
}
