package dev.tiergate.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tiergate.core.config.AdminConfig;
import dev.tiergate.core.config.GatewayConfig;
import dev.tiergate.core.config.TelemetryConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code telemetry.traces.*} (how traces are exported) and {@code admin.*} (where model switches are kept). */
class TelemetryAndAdminConfigTest {
    private static final String BASE = """
            providers: {sim: {type: demo}}
            models: {m: {provider: sim}}
            """;

    @Test
    void withoutTheSectionsNothingIsSetAndSwitchesGoToTheFiles() {
        GatewayConfig config = load(BASE, Map.of());
        assertThat(config.telemetry()).isEqualTo(TelemetryConfig.UNSET);
        assertThat(config.admin().routingStore()).isEqualTo(AdminConfig.RoutingStore.FILE);
    }

    @Test
    void everyTracesKeyIsReadAndHeaderValuesStayOutOfItsText() {
        TelemetryConfig c = load(BASE + """
                telemetry:
                  traces:
                    exporter: otlp
                    endpoint: "http://collector:4318/v1/traces"
                    protocol: http/protobuf
                    headers: {x-collector-token: "${TOKEN}"}
                    sample-ratio: 0.25
                    service-name: gateway-eu
                """, Map.of("TOKEN", "s3cret")).telemetry();
        assertThat(c).isEqualTo(new TelemetryConfig("otlp", "http://collector:4318/v1/traces", "http/protobuf",
                Map.of("x-collector-token", "s3cret"), 0.25, "gateway-eu"));
        assertThat(c.toString()).contains("x-collector-token").doesNotContain("s3cret");
    }

    @Test
    void wrongTracesValuesAreReportedWithTheirLine() {
        assertThatThrownBy(() -> load(BASE + """
                telemetry:
                  traces:
                    exporter: zipkin
                    endpoint: "collector:4318"
                    protocol: grpc
                    sample-ratio: 1.5
                    service-name: " "
                    colour: blue
                  metrics: {}
                """, Map.of())).isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                .anySatisfy(p -> assertThat(p).contains(
                        "gateway.yaml:5: telemetry.traces.exporter: 'zipkin' (expected: otlp or none)"))
                .anySatisfy(p -> assertThat(p).contains("gateway.yaml:6: telemetry.traces.endpoint: 'collector:4318'"))
                .anySatisfy(p -> assertThat(p).contains("telemetry.traces.protocol: 'grpc' is not built into Tiergate"))
                .anySatisfy(p -> assertThat(p).contains(
                        "telemetry.traces.sample-ratio: '1.5' (expected: a number from 0.0 to 1.0)"))
                .anySatisfy(p -> assertThat(p).contains("telemetry.traces.service-name: empty"))
                .anySatisfy(p -> assertThat(p).contains("telemetry.traces.colour: unknown key"))
                .anySatisfy(p -> assertThat(p).contains("telemetry.metrics: unknown key")));
        assertThatThrownBy(() -> load(BASE + "telemetry: {traces: {sample-ratio: half}}\n", Map.of()))
                .hasMessageContaining("telemetry.traces.sample-ratio: 'half'");
    }

    @Test
    void theRedisRoutingStoreNeedsRedisUrl() {
        assertThat(load(BASE + "redis: {url: \"redis://127.0.0.1:6379\"}\nadmin: {routing-store: redis}\n", Map.of())
                .admin().routingStore()).isEqualTo(AdminConfig.RoutingStore.REDIS);
        assertThatThrownBy(() -> load(BASE + "admin: {routing-store: redis}\n", Map.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).anySatisfy(
                        p -> assertThat(p).contains("admin.routing-store: redis, but redis.url is empty")));
        assertThatThrownBy(() -> load(BASE + "admin: {routing-store: etcd, colour: blue}\n", Map.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .anySatisfy(p -> assertThat(p).contains("admin.routing-store: 'etcd' (expected: file or redis)"))
                        .anySatisfy(p -> assertThat(p).contains("admin.colour: unknown key")));
    }

    private static GatewayConfig load(String gatewayYaml, Map<String, String> env) {
        return new ConfigLoader(env::get).load(new ConfigSource("test", gatewayYaml,
                Map.of("teams/t.yaml", "id: t\nkeys: [{id: k, sha256: " + "a".repeat(64) + "}]\n")));
    }
}
