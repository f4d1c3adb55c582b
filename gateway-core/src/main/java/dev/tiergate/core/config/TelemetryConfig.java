package dev.tiergate.core.config;

import java.util.Map;
import java.util.TreeSet;

/**
 * The {@code telemetry.traces} section of gateway.yaml: how OpenTelemetry traces are exported. Each
 * field is null when gateway.yaml does not set it; the standard {@code OTEL_*} environment variables
 * then decide, or the defaults (off). A variable that is set wins over the YAML value of its field.
 *
 * @param exporter {@code otlp} or {@code none}
 * @param endpoint the OTLP/HTTP traces URL (e.g. {@code http://collector:4318/v1/traces})
 * @param protocol {@code http/protobuf}
 * @param headers sent with every export (e.g. a collector's token); null: none set
 * @param sampleRatio share (0 to 1) of new traces that are sampled
 * @param serviceName the spans' {@code service.name}
 */
public record TelemetryConfig(String exporter, String endpoint, String protocol, Map<String, String> headers,
                              Double sampleRatio, String serviceName) {
    /** Nothing set in gateway.yaml. */
    public static final TelemetryConfig UNSET = new TelemetryConfig(null, null, null, null, null, null);

    public TelemetryConfig {
        headers = headers == null ? null : Map.copyOf(headers);
        if (sampleRatio != null && !(sampleRatio >= 0 && sampleRatio <= 1)) {
            throw new IllegalArgumentException("sampleRatio: " + sampleRatio + " (expected: 0 to 1)");
        }
    }

    /** Header values are often secrets: only their names. */
    @Override
    public String toString() {
        return "TelemetryConfig[exporter=" + exporter + ", endpoint=" + endpoint + ", protocol=" + protocol
                + ", headers=" + (headers == null ? null : new TreeSet<>(headers.keySet())) + ", sampleRatio="
                + sampleRatio + ", serviceName=" + serviceName + "]";
    }
}
