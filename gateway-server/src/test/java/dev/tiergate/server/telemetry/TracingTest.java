package dev.tiergate.server.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tracing is off unless the standard variables ask for OTLP, and refuses values it cannot honour. */
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
    void refusesAnExporterOrRatioItCannotHonour() {
        assertThatThrownBy(() -> Tracing.fromEnvironment(Map.of("OTEL_TRACES_EXPORTER", "zipkin")::get))
                .hasMessageContaining("expected: otlp or none");
        assertThatThrownBy(() -> Tracing.fromEnvironment(Map.of("OTEL_TRACES_EXPORTER", "otlp",
                "OTEL_TRACES_SAMPLER_ARG", "2")::get)).hasMessageContaining("expected: 0 to 1");
    }
}
