package dev.tiergate.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /metrics} and {@code /admin/*} are served on the management port only; on the API port
 * they are unknown URLs like any other. The probes are on both.
 */
class ManagementPortTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final String GATEWAY_YAML = """
            server: {host: 127.0.0.1}
            providers:
              sim: {type: demo, options: {first-token-ms: 0, chunk-delay-ms: 0}}
            models:
              demo-small: {provider: sim}
            admin-keys: [{id: ops, sha256: %s}]
            """.formatted(AccountingFixtures.ADMIN_SHA256);
    private static TestGateway gateway;

    @BeforeAll
    static void start() throws InterruptedException {
        gateway = TestGateway.start(GATEWAY_YAML);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void theApiPortDoesNotServeMetricsOrAdminRoutes() throws Exception {
        HttpResponse<String> metrics = send("GET", gateway.uri("/metrics"), null);
        assertThat(metrics.statusCode()).isEqualTo(404);
        assertThat(AccountingFixtures.json(metrics.body()).at("/error/code").asText()).isEqualTo("unknown_url");
        assertThat(metrics.body()).doesNotContain("tiergate_");
        HttpResponse<String> reload = send("POST", gateway.uri("/admin/reload"), AccountingFixtures.ADMIN_KEY);
        assertThat(reload.statusCode()).isEqualTo(404);
        assertThat(AccountingFixtures.json(reload.body()).at("/error/type").asText()).isEqualTo("invalid_request_error");
    }

    @Test
    void theManagementPortServesMetricsAdminAndProbesButNotTheApi() throws Exception {
        assertThat(gateway.managementPort()).isPositive().isNotEqualTo(gateway.port());
        HttpResponse<String> metrics = send("GET", gateway.managementUri("/metrics"), null);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("content-type").orElse("")).startsWith("text/plain");
        assertThat(metrics.body()).contains("jvm_memory_used_bytes");
        assertThat(send("POST", gateway.managementUri("/admin/reload"), AccountingFixtures.ADMIN_KEY).body())
                .contains("reload_unavailable");
        assertThat(send("POST", gateway.managementUri("/admin/reload"), null).statusCode()).isEqualTo(401);
        assertThat(send("POST", gateway.managementUri("/v1/chat/completions"), TestGateway.KEY).statusCode())
                .isEqualTo(404);
        for (URI probe : new URI[] {gateway.uri("/healthz"), gateway.uri("/readyz"),
            gateway.managementUri("/healthz"), gateway.managementUri("/readyz")}) {
            assertThat(send("GET", probe, null).statusCode()).as(probe.toString()).isEqualTo(200);
        }
    }

    @Test
    void theManagementPortCanBeTurnedOff() throws Exception {
        try (TestGateway off = TestGateway.start(GATEWAY_YAML.replace("{host: 127.0.0.1}",
                "{host: 127.0.0.1, management-port: off}"))) {
            assertThat(off.managementPort()).isEqualTo(-1);
            assertThat(send("GET", off.uri("/metrics"), null).statusCode()).isEqualTo(404);
            assertThat(send("GET", off.uri("/readyz"), null).statusCode()).isEqualTo(200);
        }
    }

    private static HttpResponse<String> send(String method, URI uri, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
