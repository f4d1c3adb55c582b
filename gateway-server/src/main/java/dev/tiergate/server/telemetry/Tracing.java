package dev.tiergate.server.telemetry;

import static java.util.Objects.requireNonNull;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.Locale;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's OpenTelemetry traces: off (nothing is made, nothing costs) unless the standard
 * environment asks for OTLP ({@code OTEL_TRACES_EXPORTER=otlp}), then exported over OTLP/HTTP to
 * {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT} (else {@code OTEL_EXPORTER_OTLP_ENDPOINT} +
 * {@code /v1/traces}, else {@code http://localhost:4318/v1/traces}) in batches, as
 * {@code OTEL_SERVICE_NAME} (default {@code tiergate}), sampling {@code OTEL_TRACES_SAMPLER_ARG}
 * (0..1, default 1) of the requests that arrive without a sampled {@code traceparent}.
 */
public final class Tracing implements AutoCloseable {
    /** No traces. */
    public static final Tracing OFF = new Tracing(null);
    static final String SCOPE = "dev.tiergate.gateway";
    private static final Logger log = LoggerFactory.getLogger(Tracing.class);

    private final SdkTracerProvider provider;

    private Tracing(SdkTracerProvider provider) {
        this.provider = provider;
    }

    /** Traces made by {@code provider} (tests give one with an in-memory exporter); closed with this. */
    public static Tracing of(SdkTracerProvider provider) {
        return new Tracing(requireNonNull(provider, "provider"));
    }

    /** From the standard {@code OTEL_*} variables read through {@code env}; {@link #OFF} unless they ask for OTLP. */
    public static Tracing fromEnvironment(Function<String, String> env) {
        String exporter = env.apply("OTEL_TRACES_EXPORTER");
        if (exporter == null || exporter.isBlank() || exporter.trim().equalsIgnoreCase("none")
                || "true".equalsIgnoreCase(env.apply("OTEL_SDK_DISABLED"))) {
            return OFF;
        }
        if (!exporter.trim().toLowerCase(Locale.ROOT).equals("otlp")) {
            throw new IllegalArgumentException("OTEL_TRACES_EXPORTER: '" + exporter + "' (expected: otlp or none)");
        }
        String endpoint = env.apply("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
        if (endpoint == null || endpoint.isBlank()) {
            String base = env.apply("OTEL_EXPORTER_OTLP_ENDPOINT");
            endpoint = (base == null || base.isBlank() ? "http://localhost:4318" : base.replaceAll("/+$", ""))
                    + "/v1/traces";
        }
        String service = env.apply("OTEL_SERVICE_NAME");
        double ratio = ratio(env.apply("OTEL_TRACES_SAMPLER_ARG"));
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(
                        AttributeKey.stringKey("service.name"), service == null || service.isBlank() ? "tiergate"
                                : service))))
                .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(ratio)))
                .addSpanProcessor(BatchSpanProcessor.builder(OtlpHttpSpanExporter.builder()
                        .setEndpoint(endpoint).build()).build())
                .build();
        log.info("traces: OTLP/HTTP to {}, sampling {} of new traces", endpoint, ratio);
        return new Tracing(provider);
    }

    private static double ratio(String text) {
        if (text == null || text.isBlank()) {
            return 1.0;
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
