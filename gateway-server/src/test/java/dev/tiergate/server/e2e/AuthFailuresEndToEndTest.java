package dev.tiergate.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Through the real server: wrong keys are counted by reason, and after ten in a minute from one
 * address every request from it (the right key too) is refused with 429 and Retry-After until the
 * minute is over; the probes still answer. The management port (admin keys, dashboard logins)
 * has the same limit and its own count.
 */
class AuthFailuresEndToEndTest {
    private static final String YAML = """
            server: {host: 127.0.0.1}
            providers: {sim: {type: demo}}
            models: {demo-small: {provider: sim}}
            """;

    @Test
    void tenWrongKeysInAMinuteRefuseTheAddressUntilTheMinuteIsOver() throws Exception {
        AccountingFixtures.TestClock clock = new AccountingFixtures.TestClock(Instant.parse("2025-08-01T10:00:00Z"));
        try (TestGateway gateway = TestGateway.start(YAML, Map.of(), Map.of("teams/team-a.yaml",
                TestGateway.teamYaml("")), clock)) {
            assertThat(AccountingFixtures.get(gateway, "/v1/models", null).statusCode()).isEqualTo(401);
            for (int i = 0; i < 10; i++) {
                assertThat(AccountingFixtures.get(gateway, "/v1/models", "sk-guess-" + i).statusCode()).isEqualTo(401);
                clock.advance(Duration.ofSeconds(2));
            }

            HttpResponse<String> refused = AccountingFixtures.get(gateway, "/v1/models", TestGateway.KEY);
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(AccountingFixtures.json(refused.body()).at("/error/code").asText()).isEqualTo("too_many_auth_failures");
            assertThat(refused.headers().firstValue("retry-after")).hasValue("40");
            assertThat(AccountingFixtures.get(gateway, "/readyz", null).statusCode()).isEqualTo(200);

            PrometheusText metrics = AccountingFixtures.metrics(gateway);
            assertThat(metrics.value("tiergate_auth_failures_total", Map.of("reason", "invalid_api_key"))).isEqualTo(10);
            assertThat(metrics.value("tiergate_auth_failures_total", Map.of("reason", "missing_api_key"))).isEqualTo(1);
            assertThat(metrics.value("tiergate_auth_refused_total", Map.of())).isEqualTo(1);

            clock.advance(Duration.ofSeconds(40));
            assertThat(AccountingFixtures.get(gateway, "/v1/models", TestGateway.KEY).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void wrongAdminKeysOnTheManagementPortLockOnlyThatPort() throws Exception {
        String yaml = YAML + "admin-keys: [{id: ops, sha256: " + AccountingFixtures.ADMIN_SHA256 + "}]\n";
        AccountingFixtures.TestClock clock = new AccountingFixtures.TestClock(Instant.parse("2025-08-01T10:00:00Z"));
        try (TestGateway gateway = TestGateway.start(yaml, Map.of(), Map.of("teams/team-a.yaml",
                TestGateway.teamYaml("")), clock)) {
            for (int i = 0; i < 20; i++) {
                assertThat(DashboardCalls.get(gateway, "/dashboard/api/session", null).statusCode())
                        .as("a dashboard poll without a session guesses nothing").isEqualTo(401);
            }
            for (int i = 0; i < 5; i++) {
                assertThat(DashboardCalls.login(gateway, "sk-guess-" + i).statusCode()).isEqualTo(401);
                HttpResponse<String> bearer = AdminCalls.call("GET",
                        gateway.managementUri("/dashboard/api/spend"), "sk-bearer-guess-" + i, null);
                assertThat(bearer.statusCode()).isEqualTo(401);
                assertThat(AccountingFixtures.json(bearer.body()).at("/error/code").asText()).isEqualTo("invalid_api_key");
                clock.advance(Duration.ofSeconds(2));
            }

            HttpResponse<String> refused = DashboardCalls.login(gateway, AccountingFixtures.ADMIN_KEY);
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(AccountingFixtures.json(refused.body()).at("/error/code").asText()).isEqualTo("too_many_auth_failures");
            assertThat(refused.headers().firstValue("retry-after")).hasValue("50");
            assertThat(refused.headers().firstValue("set-cookie")).isEmpty();
            assertThat(AccountingFixtures.get(gateway, "/v1/models", TestGateway.KEY).statusCode())
                    .as("the API port keeps its own count").isEqualTo(200);

            clock.advance(Duration.ofSeconds(50));
            assertThat(DashboardCalls.login(gateway, AccountingFixtures.ADMIN_KEY).statusCode()).isEqualTo(204);
        }
    }

    @Test
    void aLimitOfZeroNeverRefuses() throws Exception {
        try (TestGateway gateway = TestGateway.start(YAML.replace("{host: 127.0.0.1}",
                "{host: 127.0.0.1, auth-failures-per-minute: 0}"))) {
            for (int i = 0; i < 20; i++) {
                assertThat(AccountingFixtures.get(gateway, "/v1/models", "sk-guess-" + i).statusCode()).isEqualTo(401);
            }
            assertThat(AccountingFixtures.get(gateway, "/v1/models", TestGateway.KEY).statusCode()).isEqualTo(200);
        }
    }
}
