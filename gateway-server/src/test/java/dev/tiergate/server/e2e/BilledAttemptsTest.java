package dev.tiergate.server.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every upstream attempt the provider may bill is a usage record, and counts against the budget:
 * an empty answer discarded for a fallback (the provider's usage), a call the client abandoned
 * after it was sent (its input, estimated); attempts refused with 5xx are not billed.
 */
class BilledAttemptsTest {
    private static final String EMPTY = """
            {"id":"chatcmpl-e","object":"chat.completion","created":1700000000,"model":"m",
             "choices":[{"index":0,"message":{"role":"assistant","content":""},"finish_reason":"stop"}],
             "usage":{"prompt_tokens":500,"completion_tokens":28,"total_tokens":528}}""";
    private static final String FULL = """
            {"id":"chatcmpl-f","object":"chat.completion","created":1700000000,"model":"m",
             "choices":[{"index":0,"message":{"role":"assistant","content":"an answer"},"finish_reason":"stop"}],
             "usage":{"prompt_tokens":20,"completion_tokens":29,"total_tokens":49}}""";

    @TempDir
    Path dir;
    private WireMockServer upstream;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        upstream = new WireMockServer(wireMockConfig().dynamicPort());
        upstream.start();
        upstream.stubFor(post(urlEqualTo("/v1/chat/completions")).withRequestBody(containing("\"empty-upstream\""))
                .willReturn(json(EMPTY)));
        upstream.stubFor(post(urlEqualTo("/v1/chat/completions")).withRequestBody(containing("\"full-upstream\""))
                .willReturn(json(FULL)));
        upstream.stubFor(post(urlEqualTo("/v1/chat/completions")).withRequestBody(containing("\"slow-upstream\""))
                .willReturn(json(FULL).withFixedDelay(3_000)));
        upstream.stubFor(post(urlEqualTo("/v1/chat/completions")).withRequestBody(containing("\"flaky-upstream\""))
                .inScenario("flaky").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("recovered")
                .willReturn(aResponse().withStatus(503).withBody("{\"error\":{\"message\":\"overloaded\"}}")));
        upstream.stubFor(post(urlEqualTo("/v1/chat/completions")).withRequestBody(containing("\"flaky-upstream\""))
                .inScenario("flaky").whenScenarioStateIs("recovered").willReturn(json(FULL)));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
    }

    @AfterEach
    void stop() {
        upstream.stop();
    }

    private TestGateway gateway() throws InterruptedException {
        String yaml = """
                server: {host: 127.0.0.1, request-timeout-seconds: 20}
                providers:
                  up: {type: openai, base-url: "http://127.0.0.1:%d/v1", api-key: sk-upstream-secret}
                models:
                  empty: {provider: up, upstream-model: empty-upstream, max-output-tokens: 40, fallbacks: [full], price: {input: 1000, output: 1000}}
                  full: {provider: up, upstream-model: full-upstream, max-output-tokens: 40, price: {input: 1000, output: 1000}}
                  slow: {provider: up, upstream-model: slow-upstream, max-output-tokens: 40, price: {input: 1000, output: 1000}}
                  flaky: {provider: up, upstream-model: flaky-upstream, max-output-tokens: 40, price: {input: 1000, output: 1000}}
                resilience: {retry: {max-attempts: 3, initial-backoff-ms: 1, max-backoff-ms: 5}}
                usage: {file: "%s"}
                """.formatted(upstream.port(), dir.resolve("usage.jsonl"));
        return TestGateway.start(yaml, Map.of(),
                Map.of("teams/team-a.yaml", TestGateway.teamYaml("limits: {monthly-budget-usd: 10}\n")));
    }

    private HttpRequest chat(TestGateway gateway, String model, Duration timeout) {
        return HttpRequest.newBuilder(gateway.uri("/v1/chat/completions")).timeout(timeout)
                .header("Authorization", "Bearer " + TestGateway.KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model
                        + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}")).build();
    }

    private List<JsonNode> records(TestGateway gateway) throws Exception {
        gateway.flushUsage();
        return Files.readAllLines(dir.resolve("usage.jsonl"), StandardCharsets.UTF_8).stream()
                .map(AccountingFixtures::json).toList();
    }

    @Test
    void anEmptyAnswerDiscardedForAFallbackIsRecordedWithItsUsage() throws Exception {
        try (TestGateway gateway = gateway()) {
            HttpResponse<String> answer = http.send(chat(gateway, "empty", Duration.ofSeconds(10)),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.headers().firstValue("x-tiergate-model")).hasValue("full");
            List<JsonNode> records = records(gateway);
            assertThat(records).extracting(r -> r.get("outcome").asText())
                    .containsExactlyInAnyOrder("discarded", "complete");
            JsonNode discarded = records.stream().filter(r -> r.get("outcome").asText().equals("discarded"))
                    .findFirst().orElseThrow();
            assertThat(discarded.get("model").asText()).isEqualTo("empty");
            assertThat(discarded.get("input_tokens").asLong()).isEqualTo(500);
            assertThat(discarded.get("output_tokens").asLong()).isEqualTo(28);
            JsonNode usage = AccountingFixtures.usage(gateway, "", TestGateway.KEY);
            assertThat(usage.at("/totals/cost_usd").decimalValue()).isEqualByComparingTo("0.577");
        }
    }

    @Test
    void aCallTheClientAbandonedAfterItWasSentIsRecordedAsEstimated() throws Exception {
        try (TestGateway gateway = gateway()) {
            try {
                http.send(chat(gateway, "slow", Duration.ofMillis(500)), HttpResponse.BodyHandlers.ofString());
            } catch (HttpTimeoutException expected) {
                // the client gave up; the gateway notices the closed connection
            }
            JsonNode abandoned = null;
            for (int i = 0; i < 50 && abandoned == null; i++) {
                abandoned = records(gateway).stream().filter(r -> r.get("outcome").asText().equals("abandoned"))
                        .findFirst().orElse(null);
                if (abandoned == null) {
                    Thread.sleep(100);
                }
            }
            assertThat(abandoned).as("a record of the abandoned call").isNotNull();
            assertThat(abandoned.get("model").asText()).isEqualTo("slow");
            assertThat(abandoned.get("tokens_source").asText()).isEqualTo("estimated");
            assertThat(abandoned.get("input_tokens").asLong()).isPositive();
        }
    }

    @Test
    void aRetriedRequestIsRecordedOnceWhenTheFailedAttemptWasNotBilled() throws Exception {
        try (TestGateway gateway = gateway()) {
            HttpResponse<String> answer = http.send(chat(gateway, "flaky", Duration.ofSeconds(10)),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.headers().firstValue("x-tiergate-attempts")).hasValue("2");
            assertThat(records(gateway)).extracting(r -> r.get("outcome").asText()).containsExactly("complete");
        }
    }
}
