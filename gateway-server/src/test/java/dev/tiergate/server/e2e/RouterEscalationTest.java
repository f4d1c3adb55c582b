package dev.tiergate.server.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The router picks the small tier for an easy prompt; when the small tier's model fails, the
 * request escalates to the next tier and is answered there, through the real server.
 */
class RouterEscalationTest {
    private final WireMockServer failing = new WireMockServer(wireMockConfig().dynamicPort());

    @BeforeEach
    void start() {
        failing.start();
        failing.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(503)
                .withBody("{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}")));
    }

    @AfterEach
    void stop() {
        failing.stop();
    }

    @Test
    void aFailingSmallTierModelEscalatesToTheMidTier() throws Exception {
        String yaml = """
                providers:
                  cheap: {type: openai, base-url: "http://127.0.0.1:%d/v1"}
                  sim: {type: demo, options: {first-token-ms: 0, chunk-delay-ms: 0}}
                models:
                  cheap-small: {provider: cheap, upstream-model: tiny}
                  demo-mid: {provider: sim}
                  demo-frontier: {provider: sim}
                aliases:
                  auto:
                    tiers: {small: [cheap-small], mid: [demo-mid], frontier: [demo-frontier]}
                router:
                  enabled: true
                resilience:
                  retry: {max-attempts: 1}
                """.formatted(failing.port());
        try (TestGateway gateway = TestGateway.start(yaml)) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            gateway.uri("/v1/chat/completions"))
                    .header("Authorization", "Bearer " + TestGateway.KEY)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("""
                            {"model":"auto","messages":[{"role":"user","content":"Hi! How are you today?"}]}"""))
                    .build(), HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(response.headers().firstValue("x-tiergate-route-cause")).hasValue("classifier");
            assertThat(response.headers().firstValue("x-tiergate-fallback-from")).hasValue("cheap-small");
            assertThat(response.headers().firstValue("x-tiergate-model")).hasValue("demo-mid");
            assertThat(response.headers().firstValue("x-tiergate-tier")).hasValue("mid");
            assertThat(response.body()).contains("[demo-mid]");
            failing.verify(1, postRequestedFor(urlEqualTo("/v1/chat/completions")));
        }
    }
}
