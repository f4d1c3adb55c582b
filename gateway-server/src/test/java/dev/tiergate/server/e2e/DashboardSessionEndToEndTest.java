package dev.tiergate.server.e2e;

import static dev.tiergate.server.e2e.AdminCalls.admin;
import static dev.tiergate.server.e2e.DashboardCalls.get;
import static dev.tiergate.server.e2e.DashboardCalls.login;
import static dev.tiergate.server.e2e.DashboardCalls.logout;
import static dev.tiergate.server.e2e.DashboardCalls.session;
import static dev.tiergate.server.e2e.DashboardCalls.view;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's sessions on the management port: an admin key logs in (a JSON body) and gets an
 * HttpOnly, SameSite=Strict cookie; a team key or a wrong key cannot; without the cookie the API
 * answers 401 login_required; logout ends the session; login and logout are in the audit log,
 * the key never.
 */
class DashboardSessionEndToEndTest {
    private static final String GATEWAY_YAML = "server: {host: 127.0.0.1}\n" + TestGateway.DEMO_TIERS_YAML
            + "admin-keys: [{id: ops, sha256: " + AccountingFixtures.ADMIN_SHA256 + "}]\n";

    @Test
    void anAdminKeyLogsInAndTheCookieOpensTheApiUntilLogout() throws Exception {
        try (TestGateway gateway = TestGateway.start(GATEWAY_YAML)) {
            HttpResponse<String> loggedIn = login(gateway, AccountingFixtures.ADMIN_KEY);
            assertThat(loggedIn.statusCode()).isEqualTo(204);
            String setCookie = loggedIn.headers().firstValue("set-cookie").orElseThrow();
            assertThat(setCookie).matches("tiergate_session=[A-Za-z0-9_-]{43}; Path=/dashboard; HttpOnly; "
                    + "SameSite=Strict; Max-Age=28800");
            String cookie = setCookie.substring(0, setCookie.indexOf(';'));

            JsonNode session = view(gateway, "/dashboard/api/session", cookie);
            assertThat(session.path("admin").asText()).isEqualTo("ops");
            assertThat(Duration.between(Instant.now(), Instant.parse(session.path("expires_at").asText())).toMinutes())
                    .isCloseTo(480, within(2L));
            assertThat(session.toString()).doesNotContain(AccountingFixtures.ADMIN_KEY);
            assertThat(session(gateway)).as("a second login, a second token").isNotEqualTo(cookie);

            HttpResponse<String> out = logout(gateway, cookie);
            assertThat(out.statusCode()).isEqualTo(204);
            assertThat(out.headers().firstValue("set-cookie").orElseThrow())
                    .isEqualTo("tiergate_session=; Path=/dashboard; HttpOnly; SameSite=Strict; Max-Age=0");
            HttpResponse<String> after = get(gateway, "/dashboard/api/session", cookie);
            assertThat(after.statusCode()).isEqualTo(401);
            assertThat(after.body()).contains("\"code\":\"login_required\"");
            assertThat(logout(gateway, cookie).statusCode()).as("logging out again").isEqualTo(204);

            JsonNode audit = admin(gateway, "GET", "/admin/audit?action=dashboard", null, 200).path("entries");
            assertThat(audit.findValuesAsText("action")).containsExactly("dashboard.logout", "dashboard.login",
                    "dashboard.login");
            assertThat(audit.findValuesAsText("admin")).containsOnly("ops");
            assertThat(audit.findValuesAsText("outcome")).containsOnly("ok");
            assertThat(audit.toString()).doesNotContain(AccountingFixtures.ADMIN_KEY).doesNotContain(cookie.substring(17));
        }
    }

    @Test
    void teamKeysWrongKeysFormsAndMissingCookiesAreRefused() throws Exception {
        try (TestGateway gateway = TestGateway.start(GATEWAY_YAML)) {
            HttpResponse<String> team = login(gateway, TestGateway.KEY);
            assertThat(team.statusCode()).isEqualTo(401);
            assertThat(team.body()).contains("\"code\":\"invalid_admin_key\"");
            assertThat(team.headers().firstValue("set-cookie")).isEmpty();
            assertThat(login(gateway, "sk-not-a-key").statusCode()).isEqualTo(401);

            HttpResponse<String> form = DashboardCalls.send(HttpRequest.newBuilder(
                            gateway.managementUri("/dashboard/api/login"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("key=" + AccountingFixtures.ADMIN_KEY)));
            assertThat(form.statusCode()).isEqualTo(415);
            assertThat(form.body()).contains("unsupported_media_type");
            assertThat(form.headers().firstValue("set-cookie")).isEmpty();

            for (String cookie : new String[] {null, "tiergate_session=forged", "other=1"}) {
                HttpResponse<String> refused = get(gateway, "/dashboard/api/session", cookie);
                assertThat(refused.statusCode()).as("cookie " + cookie).isEqualTo(401);
                assertThat(refused.body()).contains("\"code\":\"login_required\"");
            }
            HttpResponse<String> teamBearer = AdminCalls.call("GET", gateway.managementUri("/dashboard/api/session"),
                    TestGateway.KEY, null);
            assertThat(teamBearer.statusCode()).isEqualTo(401);
            JsonNode adminBearer = AccountingFixtures.json(AdminCalls.call("GET",
                    gateway.managementUri("/dashboard/api/session"), AccountingFixtures.ADMIN_KEY, null).body());
            assertThat(adminBearer.path("admin").asText()).isEqualTo("ops");
            assertThat(adminBearer.path("expires_at").isNull()).isTrue();

            assertThat(AdminCalls.call("POST", gateway.uri("/dashboard/api/login"), null,
                    "{\"key\":\"" + AccountingFixtures.ADMIN_KEY + "\"}").statusCode())
                    .as("not on the API port").isEqualTo(404);

            JsonNode audit = admin(gateway, "GET", "/admin/audit?action=dashboard", null, 200).path("entries");
            assertThat(audit.findValuesAsText("outcome")).containsOnly("invalid_admin_key").hasSize(2);
            assertThat(audit.findValuesAsText("admin")).containsOnly("unknown");
            assertThat(audit.toString()).doesNotContain(TestGateway.KEY).doesNotContain("sk-not-a-key");
        }
    }
}
