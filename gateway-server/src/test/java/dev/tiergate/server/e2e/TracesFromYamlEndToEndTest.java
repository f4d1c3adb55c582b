package dev.tiergate.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * gateway.yaml's {@code telemetry.traces} alone (no {@code OTEL_*} variable) turns OTLP export on:
 * spans reach a local OTLP/HTTP receiver with the configured service name and headers, and the
 * configured sample ratio decides which new traces are kept (a caller's sampled {@code traceparent}
 * is always followed).
 */
class TracesFromYamlEndToEndTest {
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final OtlpReceiver receiver = new OtlpReceiver();

    @AfterEach
    void stop() {
        receiver.close();
    }

    @Test
    void aRatioOfZeroKeepsOnlyTheTracesTheCallerSampled() throws Exception {
        try (TestGateway gateway = TestGateway.start(yaml("0.0"))) {
            assertThat(chat(gateway, null)).isEqualTo(200);
            assertThat(chat(gateway, "00-" + TRACE_ID + "-00f067aa0ba902b7-01")).isEqualTo(200);
        }   // closing the gateway flushes its batch of spans

        assertThat(receiver.exports()).isNotEmpty().allSatisfy(export -> {
            assertThat(export.headers()).containsEntry("x-collector-token", "t0k3n")
                    .containsEntry("content-type", "application/x-protobuf");
        });
        assertThat(receiver.spans()).isNotEmpty()
                .allSatisfy(span -> assertThat(span.serviceName()).isEqualTo("tiergate-from-yaml"))
                .allSatisfy(span -> assertThat(span.traceId()).isEqualTo(TRACE_ID))
                .extracting(OtlpReceiver.ExportedSpan::name).contains("POST /v1/chat/completions", "stage exact-cache");
    }

    @Test
    void aRatioOfOneKeepsEveryNewTrace() throws Exception {
        try (TestGateway gateway = TestGateway.start(yaml("1.0"))) {
            assertThat(chat(gateway, null)).isEqualTo(200);
            assertThat(chat(gateway, null)).isEqualTo(200);
        }
        assertThat(receiver.spans()).filteredOn(span -> span.name().equals("POST /v1/chat/completions"))
                .hasSize(2).extracting(OtlpReceiver.ExportedSpan::traceId).doesNotHaveDuplicates()
                .doesNotContain(TRACE_ID);
    }

    private String yaml(String ratio) {
        return "server: {host: 127.0.0.1}\n" + TestGateway.DEMO_TIERS_YAML + """
                telemetry:
                  traces:
                    exporter: otlp
                    endpoint: "%s"
                    headers: {x-collector-token: t0k3n}
                    sample-ratio: %s
                    service-name: tiergate-from-yaml
                """.formatted(receiver.tracesUrl(), ratio);
    }

    private static int chat(TestGateway gateway, String traceparent) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(gateway.uri("/v1/chat/completions"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + TestGateway.KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"demo-small\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
        if (traceparent != null) {
            request.header("traceparent", traceparent);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}
