package dev.tiergate.server.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.math.BigDecimal;
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
 * {@code /v1/embeddings} is a paid route like chat: it passes the team's limits and budget, every
 * answered call is priced and recorded in {@code /v1/usage}, and the provider is called through
 * the dispatcher (retries included).
 */
class EmbeddingsAccountingEndToEndTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;
    private WireMockServer upstream;

    @BeforeEach
    void start() {
        upstream = new WireMockServer(wireMockConfig().dynamicPort());
        upstream.start();
        // Each call bills 1,000 input tokens: USD 1.00 at 1,000 USD per million.
        upstream.stubFor(post(urlEqualTo("/v1/embeddings")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("""
                        {"object":"list","model":"text-embedding-3-small",
                         "data":[{"object":"embedding","index":0,"embedding":[0.1,0.2,0.3]}],
                         "usage":{"prompt_tokens":1000,"total_tokens":1000}}""")));
    }

    @AfterEach
    void stop() {
        upstream.stop();
    }

    private TestGateway gateway(String teamExtra) throws InterruptedException {
        String yaml = AccountingFixtures.gatewayYaml(upstream.port(), """
                usage: {file: %s}
                """.formatted(dir.resolve("usage.jsonl"))).replace("models:\n", """
                models:
                  embed-pricey: {provider: up, kind: embedding, upstream-model: text-embedding-3-small, price: {input: 1000, output: 0}}
                """);
        return TestGateway.start(yaml, Map.of(), Map.of("teams/team-a.yaml", TestGateway.teamYaml(teamExtra)));
    }

    private static HttpResponse<String> embed(TestGateway gateway, String input) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(gateway.uri("/v1/embeddings"))
                .header("Authorization", "Bearer " + TestGateway.KEY).header("Content-Type", "application/json")
                .header("x-tiergate-cache", "off")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"embed-pricey\",\"input\":\"" + input + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void embeddingsArePricedRecordedAndRefusedOverTheBudget() throws Exception {
        try (TestGateway gateway = gateway("limits: {monthly-budget-usd: 2.5}\n")) {
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> answered = embed(gateway, "text " + i);
                assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
                assertThat(new BigDecimal(answered.headers().firstValue("x-tiergate-cost-usd").orElseThrow()))
                        .isEqualByComparingTo("1");
                assertThat(answered.headers().firstValue("x-tiergate-provider")).hasValue("up");
                assertThat(answered.headers().firstValue("x-tiergate-attempts")).hasValue("1");
            }
            gateway.flushUsage();
            HttpResponse<String> refused = embed(gateway, "one more");
            assertThat(refused.statusCode()).isEqualTo(429);
            JsonNode error = AccountingFixtures.json(refused.body()).get("error");
            assertThat(error.get("code").asText()).isEqualTo("budget_exceeded");
            assertThat(error.get("type").asText()).isEqualTo("rate_limit_error");
            assertThat(upstream.countRequestsMatching(postRequestedFor(urlEqualTo("/v1/embeddings")).build()).getCount())
                    .as("the refused call never reached the provider").isEqualTo(3);

            JsonNode usage = AccountingFixtures.usage(gateway, "", TestGateway.KEY);
            assertThat(usage.at("/totals/requests").asLong()).isEqualTo(3);
            assertThat(usage.at("/totals/cost_usd").decimalValue()).isEqualByComparingTo(new BigDecimal("3"));
            assertThat(usage.at("/totals/input_tokens").asLong()).isEqualTo(3000);
            JsonNode byModel = usage.get("by_model");
            assertThat(byModel.findValuesAsText("model")).contains("embed-pricey");

            HttpResponse<String> chatToo = AccountingFixtures.chat(gateway, TestGateway.KEY, "gpt-4o-mini", "hi");
            assertThat(chatToo.statusCode()).as("the same budget covers chat").isEqualTo(429);
        }
    }

    @Test
    void anUnknownEmbeddingModelIsANotFoundBeforeAnythingElse() throws Exception {
        try (TestGateway gateway = gateway("")) {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(gateway.uri("/v1/embeddings"))
                    .header("Authorization", "Bearer " + TestGateway.KEY).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"nope\",\"input\":\"x\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(AccountingFixtures.json(response.body()).at("/error/code").asText()).isEqualTo("model_not_found");
            assertThat(upstream.getAllServeEvents()).isEmpty();
        }
    }
}
