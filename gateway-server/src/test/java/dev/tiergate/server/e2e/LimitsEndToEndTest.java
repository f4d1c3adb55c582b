package dev.tiergate.server.e2e;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.tiergate.server.e2e.AccountingFixtures.TestClock;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Team and key limits in one gateway without Redis (counted in memory): requests per minute, a
 * key's own limit, and a monthly budget with its soft warning, each tripping and recovering.
 * Requests for {@code pricey} cost 23 tokens at 1000 USD per million: USD 0.023.
 */
class LimitsEndToEndTest {
    static final Instant START = Instant.parse("2025-08-14T10:15:10Z");

    @TempDir
    Path dir;
    private WireMockServer upstream;
    private final TestClock clock = new TestClock(START);
    private int prompts;

    @BeforeEach
    void start() {
        upstream = new WireMockServer(wireMockConfig().dynamicPort());
        upstream.start();
        AccountingFixtures.stub(upstream);
    }

    @AfterEach
    void stop() {
        upstream.stop();
    }

    private TestGateway gateway(String teamExtra) throws InterruptedException {
        return TestGateway.start(AccountingFixtures.gatewayYaml(upstream.port(),
                "usage: {file: " + dir.resolve("usage.jsonl") + "}\n"), Map.of(),
                Map.of("teams/team-a.yaml", TestGateway.teamYaml(teamExtra)), clock);
    }

    @Test
    void requestsPerMinuteTripWithRetryAfterAndRecoverTheNextMinute() throws Exception {
        try (TestGateway gateway = gateway("limits: {requests-per-minute: 2}\n")) {
            assertThat(call(gateway, "gpt-4o-mini").statusCode()).isEqualTo(200);
            assertThat(call(gateway, "gpt-4o-mini").statusCode()).isEqualTo(200);
            HttpResponse<String> refused = call(gateway, "gpt-4o-mini");
            assertRefused(refused, "rate_limit_exceeded", "team 'team-a'");
            assertThat(refused.headers().firstValue("retry-after")).hasValue("50");
            assertThat(refused.headers().firstValue("x-tiergate-request-id")).isPresent();

            clock.advance(Duration.ofSeconds(50));
            assertThat(call(gateway, "gpt-4o-mini").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aKeysOwnLimitAppliesWithinItsTeam() throws Exception {
        String withKeyLimit = TestGateway.teamYaml("limits: {requests-per-minute: 100}\n")
                .replace("    sha256:", "    limits: {requests-per-minute: 1}\n    sha256:");
        try (TestGateway gateway = TestGateway.start(AccountingFixtures.gatewayYaml(upstream.port(),
                "usage: {file: " + dir.resolve("usage.jsonl") + "}\n"), Map.of(),
                Map.of("teams/team-a.yaml", withKeyLimit), clock)) {
            assertThat(call(gateway, "gpt-4o-mini").statusCode()).isEqualTo(200);
            assertRefused(call(gateway, "gpt-4o-mini"), "rate_limit_exceeded", "key 'key-a' of team 'team-a'");
            clock.advance(Duration.ofMinutes(1));
            assertThat(call(gateway, "gpt-4o-mini").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void tokensPerMinuteHoldTheReservedWorstCaseAndCountTheAnsweredTokens() throws Exception {
        // A request reserves its input (with a margin) plus max-output-tokens 20: about 50 tokens.
        try (TestGateway gateway = gateway("limits: {tokens-per-minute: 70}\n")) {
            assertThat(call(gateway, "gpt-4o-mini").statusCode()).isEqualTo(200);
            gateway.flushUsage();
            assertRefused(call(gateway, "gpt-4o-mini"), "token_rate_limit_exceeded", "23 of 70 tokens per minute");
            clock.advance(Duration.ofMinutes(1));
            assertThat(call(gateway, "gpt-4o-mini").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void monthlyBudgetWarnsFromTheSoftLimitRefusesAtTheHardLimitAndResetsNextMonth() throws Exception {
        try (TestGateway gateway = gateway(BudgetScenario.LIMITS)) {
            BudgetScenario.run(gateway, gateway, clock, this::call);
        }
        // The spend is rebuilt from the usage file: a restarted gateway still refuses this month.
        try (TestGateway restarted = gateway(BudgetScenario.LIMITS)) {
            assertRefused(call(restarted, "pricey"), "budget_exceeded", "team 'team-a'");
        }
    }

    HttpResponse<String> call(TestGateway gateway, String model) {
        return AccountingFixtures.chat(gateway, TestGateway.KEY, model, "question " + (++prompts) + " " + System.nanoTime());
    }

    static void assertRefused(HttpResponse<String> response, String code, String scope) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(429);
        JsonNode error = AccountingFixtures.json(response.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo(code);
        assertThat(error.path("type").asText()).isEqualTo("rate_limit_error");
        assertThat(error.path("message").asText()).contains(scope);
    }

    /**
     * The budget scenario, with requests alternating between two gateways (the same one twice
     * without Redis). Each request reserves about USD 0.054 (its input with a margin and
     * max-output-tokens 20 at 1,000 USD per million) and costs 0.023: the fourth no longer fits.
     */
    static final class BudgetScenario {
        static final String LIMITS = "limits: {monthly-budget-usd: 0.11, soft-budget-percent: 30}\n";

        interface Caller {
            HttpResponse<String> call(TestGateway gateway, String model);
        }

        static void run(TestGateway a, TestGateway b, TestClock clock, Caller caller) {
            HttpResponse<String> first = caller.call(a, "pricey");
            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(first.headers().firstValue("x-tiergate-cost-usd")).hasValue("0.023");
            assertThat(first.headers().firstValue("x-tiergate-budget-warning")).isEmpty();
            a.flushUsage();
            clock.advance(Duration.ofMinutes(1));
            HttpResponse<String> second = caller.call(b, "pricey");
            assertThat(second.headers().firstValue("x-tiergate-budget-warning")).isEmpty();
            b.flushUsage();
            clock.advance(Duration.ofMinutes(1));
            HttpResponse<String> third = caller.call(a, "pricey");
            assertThat(third.statusCode()).isEqualTo(200);
            assertThat(third.headers().firstValue("x-tiergate-budget-warning")).hasValueSatisfying(w ->
                    assertThat(w).contains("team 'team-a' has used 41% of its monthly budget (USD 0.046 of 0.11)"));
            a.flushUsage();
            clock.advance(Duration.ofMinutes(1));
            HttpResponse<String> refused = caller.call(b, "pricey");
            assertRefused(refused, "budget_exceeded", "team 'team-a'");
            assertThat(AccountingFixtures.json(refused.body()).at("/error/message").asText())
                    .contains("cannot cover this request", "USD 0.041 left of USD 0.11 in 2025-08",
                            "may cost up to USD 0.05");
            assertThat(refused.headers().firstValue("retry-after")).isEmpty();

            clock.advance(Duration.ofDays(18));
            assertThat(caller.call(a, "pricey").statusCode()).isEqualTo(200);
            clock.advance(Duration.ofDays(-18));
        }
    }
}
