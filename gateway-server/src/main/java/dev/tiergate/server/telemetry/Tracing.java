package dev.tiergate.server.telemetry;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.config.TelemetryConfig;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's OpenTelemetry traces: off (nothing is made, nothing costs) unless gateway.yaml's
 * {@code telemetry.traces.exporter} or the standard {@code OTEL_TRACES_EXPORTER} asks for
 * {@code otlp}; then exported over OTLP/HTTP (protobuf) in batches. Each setting comes from its
 * standard variable when that is set, else from gateway.yaml, else its default, as the SDK's
 * autoconfiguration treats the properties an application supplies (defaults that system
 * properties and environment variables override): the variables are what a deployment (an
 * OpenTelemetry Operator, a pod spec) sets per environment.
 *
 * <ul>
 *   <li>exporter: {@code OTEL_TRACES_EXPORTER} ({@code OTEL_SDK_DISABLED=true}: off), {@code exporter};
 *   <li>endpoint: {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}, {@code OTEL_EXPORTER_OTLP_ENDPOINT} +
 *       {@code /v1/traces}, {@code endpoint}, {@code http://localhost:4318/v1/traces};
 *   <li>protocol: {@code OTEL_EXPORTER_OTLP_TRACES_PROTOCOL}, {@code OTEL_EXPORTER_OTLP_PROTOCOL},
 *       {@code protocol}: {@code http/protobuf} only;
 *   <li>headers: {@code OTEL_EXPORTER_OTLP_TRACES_HEADERS}, {@code OTEL_EXPORTER_OTLP_HEADERS}
 *       ({@code k=v,k2=v2}, values URL-encoded), {@code headers}: the first that is set, whole;
 *   <li>sampling: {@code OTEL_TRACES_SAMPLER_ARG}, {@code sample-ratio}, 1: the share of requests
 *       without a sampled {@code traceparent} that are traced (parent-based);
 *   <li>service name: {@code OTEL_SERVICE_NAME}, {@code service-name}, {@code tiergate}.
 * </ul>
 */
public final class Tracing implements AutoCloseable {
    /** No traces. */
    public static final Tracing OFF = new Tracing(null);
    static final String SCOPE = "dev.tiergate.gateway";
    private static final String PROTOCOL = "http/protobuf";
    private static final Logger log = LoggerFactory.getLogger(Tracing.class);

    private final SdkTracerProvider provider;

    private Tracing(SdkTracerProvider provider) {
        this.provider = provider;
    }

    /** Traces made by {@code provider} (tests give one with an in-memory exporter); closed with this. */
    public static Tracing of(SdkTracerProvider provider) {
        return new Tracing(requireNonNull(provider, "provider"));
    }

    /** From the standard {@code OTEL_*} variables read through {@code env} alone. */
    public static Tracing fromEnvironment(Function<String, String> env) {
        return from(TelemetryConfig.UNSET, env);
    }

    /**
     * From gateway.yaml's {@code telemetry.traces} ({@code yaml}) and the standard variables read
     * through {@code env}, each variable that is set winning over its field; {@link #OFF} unless
     * one of them asks for OTLP. A variable with a value it cannot honour is refused.
     */
    public static Tracing from(TelemetryConfig yaml, Function<String, String> env) {
        requireNonNull(yaml, "yaml");
        String exporter = first(env, yaml.exporter(), "OTEL_TRACES_EXPORTER");
        if (exporter == null || exporter.trim().equalsIgnoreCase("none")
                || "true".equalsIgnoreCase(set(env, "OTEL_SDK_DISABLED"))) {
            return OFF;
        }
        if (!exporter.trim().toLowerCase(Locale.ROOT).equals("otlp")) {
            throw new IllegalArgumentException("OTEL_TRACES_EXPORTER: '" + exporter + "' (expected: otlp or none)");
        }
        String protocol = first(env, yaml.protocol(), "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
                "OTEL_EXPORTER_OTLP_PROTOCOL");
        if (protocol != null && !protocol.trim().equals(PROTOCOL)) {
            throw new IllegalArgumentException("OTEL_EXPORTER_OTLP_PROTOCOL: '" + protocol + "' (expected: "
                    + PROTOCOL + "; grpc is not built into Tiergate)");
        }
        String endpoint = endpoint(yaml, env);
        Map<String, String> headers = headers(yaml, env);
        String service = first(env, yaml.serviceName(), "OTEL_SERVICE_NAME");
        double ratio = ratio(set(env, "OTEL_TRACES_SAMPLER_ARG"), yaml.sampleRatio());
        var exporterBuilder = OtlpHttpSpanExporter.builder().setEndpoint(endpoint);
        headers.forEach(exporterBuilder::addHeader);
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(
                        AttributeKey.stringKey("service.name"), service == null ? "tiergate" : service))))
                .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(ratio)))
                .addSpanProcessor(BatchSpanProcessor.builder(exporterBuilder.build()).build())
                .build();
        log.info("traces: OTLP/HTTP to {}{}, sampling {} of new traces", endpoint,
                headers.isEmpty() ? "" : " with headers " + new TreeSet<>(headers.keySet()), ratio);
        return new Tracing(provider);
    }

    private static String endpoint(TelemetryConfig yaml, Function<String, String> env) {
        String traces = set(env, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
        if (traces != null) {
            return traces;
        }
        String base = set(env, "OTEL_EXPORTER_OTLP_ENDPOINT");
        if (base != null) {
            return base.replaceAll("/+$", "") + "/v1/traces";
        }
        return yaml.endpoint() != null ? yaml.endpoint() : "http://localhost:4318/v1/traces";
    }

    private static Map<String, String> headers(TelemetryConfig yaml, Function<String, String> env) {
        for (String variable : new String[] {"OTEL_EXPORTER_OTLP_TRACES_HEADERS", "OTEL_EXPORTER_OTLP_HEADERS"}) {
            String list = set(env, variable);
            if (list != null) {
                return parseHeaders(variable, list);
            }
        }
        return yaml.headers() == null ? Map.of() : yaml.headers();
    }

    /** {@code k=v,k2=v2}, values URL-encoded, as the OTLP exporter specification writes them. */
    private static Map<String, String> parseHeaders(String variable, String list) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String pair : list.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0 || pair.substring(0, eq).isBlank()) {
                throw new IllegalArgumentException(variable + ": an entry without a name (expected: key=value,...)");
            }
            headers.put(pair.substring(0, eq).trim(),
                    URLDecoder.decode(pair.substring(eq + 1).trim(), StandardCharsets.UTF_8));
        }
        return headers;
    }

    /** The first of {@code variables} that is set (not blank), else {@code yamlValue}. */
    private static String first(Function<String, String> env, String yamlValue, String... variables) {
        for (String variable : variables) {
            String value = set(env, variable);
            if (value != null) {
                return value;
            }
        }
        return yamlValue;
    }

    private static String set(Function<String, String> env, String variable) {
        String value = env.apply(variable);
        return value == null || value.isBlank() ? null : value;
    }

    private static double ratio(String text, Double yamlValue) {
        if (text == null) {
            return yamlValue == null ? 1.0 : yamlValue;
        }
        try {
            double ratio = Double.parseDouble(text.trim());
            if (ratio >= 0 && ratio <= 1) {
                return ratio;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("OTEL_TRACES_SAMPLER_ARG: '" + text + "' (expected: 0 to 1)");
    }

    public boolean on() {
        return provider != null;
    }

    Tracer tracer() {
        return provider.get(SCOPE);
    }

    @Override
    public void close() {
        if (provider != null) {
            provider.close();
        }
    }
}
