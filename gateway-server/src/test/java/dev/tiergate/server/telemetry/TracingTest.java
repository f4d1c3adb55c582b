package dev.tiergate.server.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tiergate.core.config.TelemetryConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Tracing is off unless gateway.yaml or the standard variables ask for OTLP (a variable that is set
 * winning over its YAML field), and refuses values it cannot honour.
 */
class TracingTest {
    @Test
    void isOffUnlessTheEnvironmentAsksForOtlp() {
        assertThat(Tracing.fromEnvironment(Map.<String, String>of()::get).on()).isFalse();
        assertThat(Tracing.fromEnvironment(Map.of("OTEL_TRACES_EXPORTER", "none")::get).on()).isFalse();
        assertThat(Tracing.fromEnvironment(Map.of("OTEL_TRACES_EXPORTER", "otlp", "OTEL_SDK_DISABLED", "true")::get)
                .on()).isFalse();
        try (Tracing on = Tracing.fromEnvironment(Map.of("OTEL_TRACES_EXPORTER", "otlp",
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:1", "OTEL_TRACES_SAMPLER_ARG", "0.25")::get)) {
            assertThat(on.on()).isTrue();
        }
    }

    @Test
    void gatewayYamlAloneTurnsItOnAndASetVariableWinsOverItsField() {
        TelemetryConfig yaml = new TelemetryConfig("otlp", "http://127.0.0.1:1/v1/traces", null, null, 0.5, "gw");
        try (Tracing on = Tracing.from(yaml, Map.<String, String>of()::get)) {
            assertThat(on.on()).isTrue();
        }
        assertThat(Tracing.from(yaml, Map.of("OTEL_TRACES_EXPORTER", "none")::get).on()).isFalse();
        assertThat(Tracing.from(yaml, Map.of("OTEL_SDK_DISABLED", "true")::get).on()).isFalse();
        assertThat(Tracing.from(new TelemetryConfig("none", null, null, null, null, null),
                Map.<String, String>of()::get).on()).isFalse();
        try (Tracing on = Tracing.from(new TelemetryConfig("none", null, null, null, null, null),
                Map.of("OTEL_TRACES_EXPORTER", "otlp", "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:1")::get)) {
            assertThat(on.on()).isTrue();
        }
    }

    @Test
    void refusesAProtocolOrHeadersItCannotHonour() {
        assertThatThrownBy(() -> Tracing.from(TelemetryConfig.UNSET, Map.of("OTEL_TRACES_EXPORTER", "otlp",
                "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")::get)).hasMessageContaining("grpc is not built into Tiergate");
        assertThatThrownBy(() -> Tracing.from(TelemetryConfig.UNSET, Map.of("OTEL_TRACES_EXPORTER", "otlp",
                "OTEL_EXPORTER_OTLP_HEADERS", "=token")::get)).hasMessageContaining("OTEL_EXPORTER_OTLP_HEADERS");
    }

    @Test
    void refusesAnExporterOrRatioItCannotHonour() {
        assertThatThrownBy(() -> Tracing.fromEnvironment(Map.of("OTEL_TRACES_EXPORTER", "zipkin")::get))
                .hasMessageContaining("expected: otlp or none");
        assertThatThrownBy(() -> Tracing.fromEnvironment(Map.of("OTEL_TRACES_EXPORTER", "otlp",
                "OTEL_TRACES_SAMPLER_ARG", "2")::get)).hasMessageContaining("expected: 0 to 1");
    }
}
