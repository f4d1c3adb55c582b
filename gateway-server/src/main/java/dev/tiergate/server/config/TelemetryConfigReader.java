package dev.tiergate.server.config;

import dev.tiergate.core.config.TelemetryConfig;
import java.net.URI;
import java.util.Set;

/**
 * Reads {@code telemetry.traces} in gateway.yaml: how OpenTelemetry traces are exported when the
 * standard {@code OTEL_*} variables do not say otherwise. Values are checked here, so a mistake
 * stops the load with its file and line, not the export at run time.
 */
final class TelemetryConfigReader {
    static final String SECTION = "telemetry";
    private static final String TRACES = "telemetry.traces";
    private static final Set<String> KEYS = Set.of("traces");
    private static final Set<String> TRACES_KEYS = Set.of("exporter", "endpoint", "protocol", "headers",
            "sample-ratio", "service-name");

    private TelemetryConfigReader() {
    }

    static TelemetryConfig read(YamlFields g) {
        g.onlyKeys(SECTION, KEYS);
        g.onlyKeys(TRACES, TRACES_KEYS);
        String exporter = g.string(TRACES + ".exporter", null);
        if (exporter != null && !exporter.equals("otlp") && !exporter.equals("none")) {
            g.problem(TRACES + ".exporter", "'" + exporter + "' (expected: otlp or none)");
        }
        String endpoint = g.string(TRACES + ".endpoint", null);
        if (endpoint != null && !isHttpUrl(endpoint)) {
            g.problem(TRACES + ".endpoint", "'" + endpoint + "' (expected: the collector's OTLP/HTTP traces URL, "
                    + "e.g. http://otel-collector:4318/v1/traces)");
        }
        String protocol = g.string(TRACES + ".protocol", null);
        if ("grpc".equals(protocol)) {
            g.problem(TRACES + ".protocol", "'grpc' is not built into Tiergate (expected: http/protobuf, which "
                    + "collectors take on port 4318)");
        } else if (protocol != null && !protocol.equals("http/protobuf")) {
            g.problem(TRACES + ".protocol", "'" + protocol + "' (expected: http/protobuf)");
        }
        Double ratio = ratio(g);
        String service = g.string(TRACES + ".service-name", null);
        if (service != null && service.isBlank()) {
            g.problem(TRACES + ".service-name", "empty (expected: the service.name of the spans, e.g. tiergate)");
            service = null;
        }
        var headers = g.node(TRACES + ".headers") == null ? null : ConfigLoader.stringMap(g, TRACES + ".headers");
        return new TelemetryConfig(exporter, endpoint, protocol, headers, ratio, service);
    }

    private static Double ratio(YamlFields g) {
        String text = g.string(TRACES + ".sample-ratio", null);
        if (text == null) {
            return null;
        }
        try {
            double ratio = Double.parseDouble(text.trim());
            if (ratio >= 0 && ratio <= 1) {
                return ratio;
            }
        } catch (NumberFormatException e) {
            // below
        }
        g.problem(TRACES + ".sample-ratio", "'" + text + "' (expected: a number from 0.0 to 1.0)");
        return null;
    }

    private static boolean isHttpUrl(String text) {
        try {
            URI uri = URI.create(text);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
