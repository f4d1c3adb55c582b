package dev.tiergate.server.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
 * A team's budget policy ({@code on-budget: degrade}: past its soft budget an alias request is
 * served by the cheapest tier instead of failing) and the request fields that change the price,
 * refused unless the team allows them.
 */
class BudgetPolicyTest {
    @TempDir
    Path dir;
    private WireMockServer upstream;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        upstream = new WireMockServer(wireMockConfig().dynamicPort());
        upstream.start();
        upstream.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("""
                        {"id":"chatcmpl-p","object":"chat.completion","created":1700000000,"model":"m",
                         "choices":[{"index":0,"message":{"role":"assistant","content":"fine"},"finish_reason":"stop"}],
                         "usage":{"prompt_tokens":20,"completion_tokens":29,"total_tokens":49}}""")));
    }

    @AfterEach
    void stop() {
        upstream.stop();
    }

    /** Alias auto: small (100 USD per million) and frontier (10,000: an answer costs 0.49), default frontier. */
    private TestGateway gateway(String teamExtra) throws InterruptedException {
        String yaml = """
                server: {host: 127.0.0.1}
                providers:
                  up: {type: openai, base-url: "http://127.0.0.1:%d/v1", api-key: sk-upstream-secret}
                models:
                  cheap: {provider: up, max-output-tokens: 40, price: {input: 100, output: 100}}
                  dear: {provider: up, max-output-tokens: 40, price: {input: 10000, output: 10000}}
                aliases:
                  auto: {default-tier: frontier, tiers: {small: [cheap], frontier: [dear]}}
                usage: {file: "%s"}
                """.formatted(upstream.port(), dir.resolve("usage-" + System.nanoTime() + ".jsonl"));
        return TestGateway.start(yaml, Map.of(), Map.of("teams/team-a.yaml", TestGateway.teamYaml(teamExtra)));
    }

    private HttpResponse<String> chat(TestGateway gateway, String model, String extraFields) throws Exception {
        String body = "{\"model\":\"" + model + "\"," + extraFields
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
        return http.send(HttpRequest.newBuilder(gateway.uri("/v1/chat/completions"))
                .header("Authorization", "Bearer " + TestGateway.KEY).header("Content-Type", "application/json")
                .header("x-tiergate-cache", "off").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aDegradingTeamPastItsSoftBudgetIsServedByTheCheapestTierInsteadOfRefused() throws Exception {
        try (TestGateway gateway = gateway("limits: {monthly-budget-usd: 1.00, soft-budget-percent: 40}\n"
                + "on-budget: degrade\n")) {
            HttpResponse<String> first = chat(gateway, "auto", "");
            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(first.headers().firstValue("x-tiergate-model")).hasValue("dear");
            assertThat(first.headers().firstValue("x-tiergate-budget-degraded")).isEmpty();

            // 0.49 spent: past the soft budget, and the frontier's worst case (about 0.65) no longer fits.
            HttpResponse<String> second = chat(gateway, "auto", "");
            assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
            assertThat(second.headers().firstValue("x-tiergate-model")).hasValue("cheap");
            assertThat(second.headers().firstValue("x-tiergate-tier")).hasValue("small");
            assertThat(second.headers().firstValue("x-tiergate-budget-degraded")).hasValue("small");
            assertThat(second.headers().firstValue("x-tiergate-budget-warning")).isPresent();

            // A concrete model has no cheaper tier: the hard budget still refuses it.
            LimitsEndToEndTest.assertRefused(chat(gateway, "dear", ""), "budget_exceeded", "team 'team-a'");
        }
    }

    @Test
    void aRejectingTeamIsRefusedWhereADegradingOneWouldBeServed() throws Exception {
        try (TestGateway gateway = gateway("limits: {monthly-budget-usd: 1.00, soft-budget-percent: 40}\n")) {
            assertThat(chat(gateway, "auto", "").statusCode()).isEqualTo(200);
            LimitsEndToEndTest.assertRefused(chat(gateway, "auto", ""), "budget_exceeded", "team 'team-a'");
        }
    }

    @Test
    void aLongPromptIsCountedOffTheEventLoopAndReservedInFull() throws Exception {
        try (TestGateway gateway = gateway("limits: {monthly-budget-usd: 1.00}\n")) {
            String longPrompt = "the quick brown fox jumps over the lazy dog ".repeat(2_000);   // 88,000 chars
            String body = "{\"model\":\"dear\",\"messages\":[{\"role\":\"user\",\"content\":\"" + longPrompt + "\"}]}";
            HttpResponse<String> refused = http.send(HttpRequest.newBuilder(gateway.uri("/v1/chat/completions"))
                    .header("Authorization", "Bearer " + TestGateway.KEY).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            // About 18,000 tokens at 10,000 USD per million: far more than the budget, refused before sending.
            LimitsEndToEndTest.assertRefused(refused, "budget_exceeded", "cannot cover this request");
            assertThat(AccountingFixtures.json(refused.body()).at("/error/message").asText())
                    .containsPattern("may cost up to USD 1\\d\\d\\.");
            assertThat(upstream.getAllServeEvents()).isEmpty();
            assertThat(chat(gateway, "cheap", "").statusCode()).as("the gateway still answers").isEqualTo(200);
        }
    }

    @Test
    void fieldsThatChangeThePriceAreRefusedUnlessTheTeamAllowsThem() throws Exception {
        try (TestGateway strict = gateway("")) {
            for (String field : new String[] {"\"service_tier\":\"priority\",", "\"store\":true,",
                    "\"metadata\":{\"user\":\"u1\"},"}) {
                HttpResponse<String> refused = chat(strict, "cheap", field);
                assertThat(refused.statusCode()).as(field).isEqualTo(400);
                JsonNode error = AccountingFixtures.json(refused.body()).get("error");
                assertThat(error.get("code").asText()).isEqualTo("field_not_allowed");
                assertThat(field).contains(error.get("param").asText());
            }
            assertThat(chat(strict, "cheap", "\"service_tier\":\"auto\",\"store\":false,").statusCode()).isEqualTo(200);
            assertThat(upstream.getAllServeEvents()).hasSize(1);
        }
        try (TestGateway allowing = gateway("allow-priced-fields: [service_tier, store, metadata]\n")) {
            assertThat(chat(allowing, "cheap", "\"service_tier\":\"priority\",\"store\":true,\"metadata\":{\"a\":\"b\"},")
                    .statusCode()).isEqualTo(200);
        }
    }

    /**
     * Small 5,000 and frontier 10,000 USD per million tokens, 40 output tokens at most: a short prompt
     * reserves about 0.65 USD at the frontier tier alone and about 0.98 USD for both tiers.
     */
    private TestGateway cascadeGateway(String mode, double budget) throws InterruptedException {
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

    /*
     * A cascading team may pay one answer of every tier for one request, so its alias requests reserve
     * the sum of the tiers' worst cases: a budget that covers the frontier tier's worst case alone but
     * not that sum admits a classifier-routed request and refuses the cascading team's before anything
     * goes upstream.
     */
    @Test
    void aBudgetForTheFrontierTierAloneAdmitsAClassifierRoutedRequest() throws Exception {
        try (TestGateway gateway = cascadeGateway("classifier", 0.85)) {
            assertThat(chat(gateway, "auto", "").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aCascadingTeamReservesOneAnswerOfEveryTier() throws Exception {
        try (TestGateway gateway = cascadeGateway("cascade", 0.85)) {
            HttpResponse<String> refused = chat(gateway, "auto", "");
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(refused.body()).contains("budget_exceeded").contains("may cost up to USD 0.975");
            upstream.verify(0, postRequestedFor(urlEqualTo("/v1/chat/completions")));
        }
        try (TestGateway gateway = cascadeGateway("cascade", 1.20)) {
            HttpResponse<String> served = chat(gateway, "auto", "");
            assertThat(served.statusCode()).isEqualTo(200);
            assertThat(served.headers().firstValue("x-tiergate-model")).hasValue("cheap");
        }
    }
}
