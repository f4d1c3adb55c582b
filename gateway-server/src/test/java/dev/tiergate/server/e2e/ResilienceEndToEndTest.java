package dev.tiergate.server.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Retries and fallbacks through the real server, against two WireMock upstreams. */
class ResilienceEndToEndTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final String FAILING = "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}";

    private final WireMockServer first = new WireMockServer(wireMockConfig().dynamicPort());
    private final WireMockServer second = new WireMockServer(wireMockConfig().dynamicPort());

    @BeforeEach
    void startUpstreams() {
        first.start();
        second.start();
    }

    @AfterEach
    void stopUpstreams() {
        first.stop();
        second.stop();
    }

    private String yaml(String resilience) {
        return """
                server:
                  host: 127.0.0.1
                  request-timeout-seconds: 20
                providers:
                  first: {type: openai, base-url: "http://127.0.0.1:%d/v1", api-key: sk-1, read-timeout-ms: 10000}
                  second: {type: openai, base-url: "http://127.0.0.1:%d/v1", api-key: sk-2}
                models:
                  primary: {provider: first, upstream-model: gpt-4o, fallbacks: [backup]}
                  backup: {provider: second, upstream-model: gpt-4o-mini}
                resilience:
                  retry: {max-attempts: 2, initial-backoff-ms: 10, max-backoff-ms: 50}
                %s
                """.formatted(first.port(), second.port(), resilience);
    }

    private static HttpResponse<String> chat(TestGateway gateway, String model, boolean stream) throws Exception {
        String body = "{\"model\":\"" + model + "\"," + (stream ? "\"stream\":true," : "")
                + "\"messages\":[{\"role\":\"user\",\"content\":\"What is the capital of France?\"}]}";
        HttpRequest request = HttpRequest.newBuilder(gateway.uri("/v1/chat/completions"))
                .timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + TestGateway.KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private void assertUpstreamCalls(int onFirst, int onSecond) {
        first.verify(onFirst, postRequestedFor(urlEqualTo("/v1/chat/completions")));
        second.verify(onSecond, postRequestedFor(urlEqualTo("/v1/chat/completions")));
    }

    @Test
    void aFailingProviderIsRetriedThenTheFallbackModelAnswers() throws Exception {
        first.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(503).withBody(FAILING)));
        UpstreamFixtures.stubChat(second, 1, 0);
        try (TestGateway gateway = TestGateway.start(yaml(""))) {
            HttpResponse<String> res = chat(gateway, "primary", false);
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.body()).contains(UpstreamFixtures.ANSWER_WORDS);
            assertThat(res.headers().firstValue("x-tiergate-provider")).hasValue("second");
            assertThat(res.headers().firstValue("x-tiergate-model")).hasValue("backup");
            assertThat(res.headers().firstValue("x-tiergate-attempts")).hasValue("3");
            assertThat(res.headers().firstValue("x-tiergate-fallback-from")).hasValue("primary");
            assertUpstreamCalls(2, 1);
        }
    }

    @Test
    void retriesAndAnOpenBreakerShowInTheMetricsAndTheBreakerSkipsTheProvider() throws Exception {
        first.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(503).withBody(FAILING)));
        UpstreamFixtures.stubChat(second, 1, 0);
        try (TestGateway gateway = TestGateway.start(yaml(
                "  circuit-breaker: {failure-threshold: 2, cool-down-seconds: 60}\ncache:\n  exact: {enabled: false}"))) {
            assertThat(chat(gateway, "primary", false).statusCode()).isEqualTo(200);
            HttpResponse<String> afterOpen = chat(gateway, "primary", false);
            assertThat(afterOpen.statusCode()).isEqualTo(200);
            assertThat(afterOpen.headers().firstValue("x-tiergate-model")).hasValue("backup");
            assertUpstreamCalls(2, 2);

            PrometheusText metrics = AccountingFixtures.metrics(gateway);
            assertThat(metrics.value("tiergate_upstream_breaker_state", Map.of("provider", "first"))).isEqualTo(2.0);
            assertThat(metrics.value("tiergate_upstream_breaker_state", Map.of("provider", "second"))).isZero();
            assertThat(metrics.value("tiergate_upstream_retries_total", Map.of("provider", "first", "model", "primary")))
                    .isEqualTo(1.0);
            assertThat(metrics.value("tiergate_upstream_skipped_total", Map.of("model", "primary"))).isEqualTo(1.0);
        }
    }

    @Test
    void aClientThatLeavesWhileItsRequestIsRetriedStopsTheRetries() throws Exception {
        first.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(503).withBody(FAILING)));
        second.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(503).withBody(FAILING)));
        String resilience = "  retry: {max-attempts: 5, initial-backoff-ms: 400, max-backoff-ms: 400, jitter: 0}";
        try (TestGateway gateway = TestGateway.start(yaml("").replace(
                "  retry: {max-attempts: 2, initial-backoff-ms: 10, max-backoff-ms: 50}", resilience))) {
            String body = "{\"model\":\"primary\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            try (java.net.Socket client = new java.net.Socket("127.0.0.1", gateway.port())) {
                client.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                        + TestGateway.KEY + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
                        + "\r\n\r\n" + body).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                client.getOutputStream().flush();
                for (int i = 0; i < 100 && first.getAllServeEvents().isEmpty(); i++) {
                    Thread.sleep(10);
                }
            }
            Thread.sleep(1_500);   // three more backoffs would have passed
            assertUpstreamCalls(1, 0);
        }
    }

    @Test
    void aStreamWhoseFirstAttemptFailsIsRetriedBeforeAnythingReachesTheClient() throws Exception {
        first.stubFor(post(urlEqualTo("/v1/chat/completions")).inScenario("flaky")
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("recovered")
                .willReturn(aResponse().withStatus(503).withBody(FAILING)));
        first.stubFor(post(urlEqualTo("/v1/chat/completions")).inScenario("flaky")
                .whenScenarioStateIs("recovered")
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream")
                        .withBody(UpstreamFixtures.streamBody("gpt-4o", UpstreamFixtures.ANSWER_WORDS))
                        .withChunkedDribbleDelay(3, 100)));
        try (TestGateway gateway = TestGateway.start(yaml(""))) {
            HttpResponse<String> res = chat(gateway, "primary", true);
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
            assertThat(res.headers().firstValue("x-tiergate-provider")).hasValue("first");
            assertThat(res.headers().firstValue("x-tiergate-attempts")).hasValue("2");
            assertThat(res.headers().firstValue("x-tiergate-fallback-from")).isEmpty();
            StringBuilder text = new StringBuilder();
            Matcher m = Pattern.compile("\"content\":\"([^\"]*)\"").matcher(res.body());
            while (m.find()) {
                text.append(m.group(1));
            }
            assertThat(text.toString()).isEqualTo(UpstreamFixtures.ANSWER_WORDS);
            assertThat(res.body()).endsWith("data: [DONE]\n\n");
            assertUpstreamCalls(2, 0);
        }
    }

    @Test
    void anInvalidRequestIsReturnedAtOnceWithoutFallback() throws Exception {
        first.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(400)
                .withBody("{\"error\":{\"message\":\"bad temperature\",\"type\":\"invalid_request_error\"}}")));
        UpstreamFixtures.stubChat(second, 1, 0);
        try (TestGateway gateway = TestGateway.start(yaml(""))) {
            HttpResponse<String> res = chat(gateway, "primary", false);
            assertThat(res.statusCode()).isEqualTo(400);
            assertThat(res.body()).contains("bad temperature");
            assertUpstreamCalls(1, 0);
        }
    }

    @Test
    void theDeadlineEndsASlowRequestWith504() throws Exception {
        first.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody(UpstreamFixtures.completionJson("gpt-4o", "late")).withFixedDelay(5_000)));
        try (TestGateway gateway = TestGateway.start(yaml("  deadline-seconds: 1"))) {
            long start = System.nanoTime();
            HttpResponse<String> res = chat(gateway, "primary", false);
            assertThat(res.statusCode()).isEqualTo(504);
            assertThat(res.body()).contains("upstream_timeout");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
        }
    }
}
