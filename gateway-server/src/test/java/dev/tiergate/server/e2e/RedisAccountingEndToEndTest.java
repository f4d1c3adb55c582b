package dev.tiergate.server.e2e;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.tiergate.server.e2e.AccountingFixtures.TestClock;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two gateway instances sharing one real Redis (REDIS_URL): limits trip for both and recover,
 * the budget spent on one is seen by the other, and usage totals and spend survive closing every
 * instance and starting a new one on the same Redis.
 */
class RedisAccountingEndToEndTest {
    @TempDir
    Path dir;
    private WireMockServer upstream;
    private String redisUrl;
    private String prefix;
    private final TestClock clock = new TestClock(LimitsEndToEndTest.START);
    private int prompts;

    @BeforeEach
    void start() {
        redisUrl = RedisSupport.url();
        prefix = RedisSupport.uniquePrefix("accounting");
        upstream = new WireMockServer(wireMockConfig().dynamicPort());
        upstream.start();
        AccountingFixtures.stub(upstream);
    }

    @AfterEach
    void stop() {
        if (upstream != null) {
            upstream.stop();
        }
        if (prefix != null) {
            RedisSupport.deleteKeys(redisUrl, prefix);
        }
    }

    private TestGateway gateway(String limits) throws InterruptedException {
        String yaml = AccountingFixtures.gatewayYaml(upstream.port(), """
                redis: {url: "%s", key-prefix: "%s"}
                usage: {file: "%s"}
                """.formatted(redisUrl, prefix, dir.resolve("fallback.jsonl")));
        return TestGateway.start(yaml, Map.of(), Map.of("teams/team-a.yaml", TestGateway.teamYaml(limits)), clock);
    }

    @Test
    void requestsPerMinuteAreCountedAcrossInstancesTripAndRecover() throws Exception {
        try (TestGateway a = gateway("limits: {requests-per-minute: 3}\n");
             TestGateway b = gateway("limits: {requests-per-minute: 3}\n")) {
            assertThat(call(a, "gpt-4o-mini").statusCode()).isEqualTo(200);
            assertThat(call(b, "gpt-4o-mini").statusCode()).isEqualTo(200);
            assertThat(call(a, "gpt-4o-mini").statusCode()).isEqualTo(200);
            HttpResponse<String> refusedOnB = call(b, "gpt-4o-mini");
            LimitsEndToEndTest.assertRefused(refusedOnB, "rate_limit_exceeded", "3 requests per minute");
            assertThat(refusedOnB.headers().firstValue("retry-after")).hasValue("50");
            LimitsEndToEndTest.assertRefused(call(a, "gpt-4o-mini"), "rate_limit_exceeded", "team 'team-a'");

            clock.advance(Duration.ofSeconds(50));
            assertThat(call(b, "gpt-4o-mini").statusCode()).isEqualTo(200);
            assertThat(call(a, "gpt-4o-mini").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void budgetSpentOnOneInstanceIsSeenByTheOtherAndSurvivesARestart() throws Exception {
        String limits = LimitsEndToEndTest.BudgetScenario.LIMITS;
        JsonNode before;
        try (TestGateway a = gateway(limits); TestGateway b = gateway(limits)) {
            LimitsEndToEndTest.BudgetScenario.run(a, b, clock, this::call);
            before = AccountingFixtures.usage(b, "?from=2025-08-01&to=2025-09-30", TestGateway.KEY);
            assertThat(before.at("/totals/requests").asLong()).isEqualTo(4);
            assertThat(before.at("/totals/cost_usd").decimalValue()).isEqualByComparingTo("0.092");
            JsonNode fromA = AccountingFixtures.usage(a, "?from=2025-08-01&to=2025-09-30", AccountingFixtures.ADMIN_KEY);
            assertThat(fromA.at("/totals")).isEqualTo(before.at("/totals"));
        }
        try (TestGateway restarted = gateway(limits)) {
            LimitsEndToEndTest.assertRefused(call(restarted, "pricey"), "budget_exceeded", "team 'team-a'");
            JsonNode after = AccountingFixtures.usage(restarted, "?from=2025-08-01&to=2025-09-30", TestGateway.KEY);
            assertThat(after).isEqualTo(before);
        }
        assertThat(Files.exists(dir.resolve("fallback.jsonl"))).as("no record fell back to the file").isFalse();
    }

    private HttpResponse<String> call(TestGateway gateway, String model) {
        return AccountingFixtures.chat(gateway, TestGateway.KEY, model, "redis question " + (++prompts) + " "
                + System.nanoTime());
    }
}
