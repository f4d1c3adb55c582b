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
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cascading team may pay one answer of every tier for one request, so its alias requests reserve
 * the sum of the tiers' worst cases: a budget that covers the frontier tier's worst case alone but
 * not that sum admits the request of a team routed by the classifier and refuses the cascading
 * team's, before anything goes upstream.
 */
class CascadeReservationTest {
    @TempDir
    static Path dir;
    private WireMockServer upstream;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        upstream = new WireMockServer(wireMockConfig().dynamicPort());
        upstream.start();
        upstream.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("""
                        {"id":"chatcmpl-r","object":"chat.completion","created":1700000000,"model":"m",
                         "choices":[{"index":0,"message":{"role":"assistant","content":"fine"},"finish_reason":"stop"}],
                         "usage":{"prompt_tokens":20,"completion_tokens":2,"total_tokens":22}}""")));
    }

    @AfterEach
    void stop() {
        upstream.stop();
    }

    /**
     * Small 5,000 and frontier 10,000 USD per million tokens, 40 output tokens at most: a short prompt
     * reserves about 0.65 USD at the frontier tier alone and about 0.98 USD for both tiers.
     */
    private TestGateway gateway(String mode, double budget) throws InterruptedException {
        String yaml = """
                server: {host: 127.0.0.1}
                providers:
                  up: {type: openai, base-url: "http://127.0.0.1:%d/v1"}
                models:
                  cheap: {provider: up, max-output-tokens: 40, price: {input: 5000, output: 5000}}
                  dear: {provider: up, max-output-tokens: 40, price: {input: 10000, output: 10000}}
                aliases:
                  auto: {tiers: {small: [cheap], frontier: [dear]}}
                router: {enabled: true, mode: %s}
                usage: {file: "%s"}
                """.formatted(upstream.port(), mode, dir.resolve("usage-" + System.nanoTime() + ".jsonl"));
        return TestGateway.start(yaml, Map.of(), Map.of("teams/team-a.yaml",
                TestGateway.teamYaml("limits: {monthly-budget-usd: " + budget + "}\n")));
    }

    private HttpResponse<String> chat(TestGateway gateway) throws Exception {
        String body = "{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
        return http.send(HttpRequest.newBuilder(gateway.uri("/v1/chat/completions"))
                .header("Authorization", "Bearer " + TestGateway.KEY).header("Content-Type", "application/json")
                .header("x-tiergate-cache", "off").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aBudgetForTheFrontierTierAloneAdmitsAClassifierRoutedRequest() throws Exception {
        try (TestGateway gateway = gateway("classifier", 0.85)) {
            assertThat(chat(gateway).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aCascadingTeamReservesOneAnswerOfEveryTier() throws Exception {
        try (TestGateway gateway = gateway("cascade", 0.85)) {
            HttpResponse<String> refused = chat(gateway);
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(refused.body()).contains("budget_exceeded").contains("may cost up to USD 0.975");
            upstream.verify(0, postRequestedFor(urlEqualTo("/v1/chat/completions")));
        }
        try (TestGateway gateway = gateway("cascade", 1.20)) {
            HttpResponse<String> served = chat(gateway);
            assertThat(served.statusCode()).isEqualTo(200);
            assertThat(served.headers().firstValue("x-tiergate-model")).hasValue("cheap");
        }
    }
}
