package dev.tiergate.server.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A team in {@code mode: cascade}, through the real server against a WireMock provider whose small
 * model refuses, stops at the length limit or breaks the requested JSON schema depending on the
 * prompt: those answers are escalated to the mid tier, priced as {@code escalated} attempts and
 * shown in headers and metrics; a good small answer is kept.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CascadeEndToEndTest {
    private static final String SCHEMA = """
            {"type":"json_schema","json_schema":{"name":"city","strict":true,"schema":{"type":"object",
             "properties":{"city":{"type":"string"},"population":{"type":"integer"}},
             "required":["city","population"],"additionalProperties":false}}}""";

    @TempDir
    static Path dir;
    private final WireMockServer upstream = new WireMockServer(wireMockConfig().dynamicPort());
    private final HttpClient http = HttpClient.newHttpClient();
    private TestGateway gateway;

    @BeforeAll
    void start() throws Exception {
        upstream.start();
        String yaml = UpstreamFixtures.threeTiersYaml(upstream.port()) + """
                router: {enabled: true, mode: cascade, cascade-streams: buffered, cascade-hold-bytes: 200}
                resilience: {retry: {max-attempts: 1}}
                usage: {file: "%s"}
                """.formatted(dir.resolve("usage.jsonl"));
        gateway = TestGateway.start(yaml);
    }

    @AfterAll
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        upstream.stop();
    }

    @BeforeEach
    void stubs() {
        upstream.resetAll();
        stub("small-upstream", "", answer("Paris is the capital of France.", "stop"));
        stub("small-upstream", "REFUSE", answer("I'm sorry, but I can't help with that request.", "stop"));
        stub("small-upstream", "TRUNCATE", answer("The first three steps are: one, two, thr", "length"));
        stub("small-upstream", "CITY", answer("{\\\"city\\\": \\\"Paris\\\", \\\"population\\\": \\\"two million\\\"}",
                "stop"));
        stub("mid-upstream", "", answer("The mid tier's answer.", "stop"));
        stub("mid-upstream", "CITY", answer("{\\\"city\\\": \\\"Paris\\\", \\\"population\\\": 2100000}", "stop"));
        stub("mid-upstream", "TWICE", answer("I am not sure what you mean.", "stop"));
        stub("big-upstream", "", answer("The frontier tier's answer.", "stop"));
        stub("small-upstream", "SSE-OK", sse("Paris is the capital of France."));
        stub("small-upstream", "SSE-NO", sse("I'm sorry, but I can't help with that."));
        stub("small-upstream", "SSE-BIG", sse("I'm sorry, but I can't help with that. " + "And more words. ".repeat(20)));
        stub("mid-upstream", "SSE", sse("The mid tier streams."));
    }

    private static ResponseDefinitionBuilder sse(String content) {
        return aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream")
                .withBody(UpstreamFixtures.streamBody("m", content));
    }

    private void stub(String upstreamModel, String promptMarker, ResponseDefinitionBuilder response) {
        UpstreamFixtures.stubModel(upstream, upstreamModel, promptMarker, response);
    }

    private static ResponseDefinitionBuilder answer(String content, String finishReason) {
        return UpstreamFixtures.answer(content, finishReason);
    }

    private HttpResponse<String> chat(String prompt, String extra) throws Exception {
        return http.send(HttpRequest.newBuilder(gateway.uri("/v1/chat/completions"))
                .header("Authorization", "Bearer " + TestGateway.KEY).header("Content-Type", "application/json")
                .header("x-tiergate-cache", "off")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"auto\",\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"" + prompt + "\"}]" + extra + "}")).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The usage records of one request. */
    private List<JsonNode> records(HttpResponse<String> response) throws Exception {
        String requestId = response.headers().firstValue("x-tiergate-request-id").orElseThrow();
        gateway.flushUsage();
        return Files.readAllLines(dir.resolve("usage.jsonl"), StandardCharsets.UTF_8).stream()
                .map(AccountingFixtures::json).filter(r -> r.get("request_id").asText().equals(requestId)).toList();
    }

    private int calls(String upstreamModel) {
        return upstream.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions"))
                .withRequestBody(containing("\"" + upstreamModel + "\""))).size();
    }

    @Test
    void aGoodSmallAnswerIsKept() throws Exception {
        HttpResponse<String> response = chat("What is the capital of France?", "");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-tiergate-route-cause")).hasValue("cascade");
        assertThat(response.headers().firstValue("x-tiergate-tier")).hasValue("small");
        assertThat(response.headers().firstValue("x-tiergate-model")).hasValue("small-m");
        assertThat(response.headers().firstValue("x-tiergate-escalation")).isEmpty();
        assertThat(response.body()).contains("Paris is the capital");
        assertThat(calls("small-upstream")).isEqualTo(1);
        assertThat(calls("mid-upstream")).isZero();
        assertThat(records(response)).extracting(r -> r.get("outcome").asText()).containsExactly("complete");
    }

    @Test
    void aRefusalIsEscalatedToTheNextTierAndTheRefusedAnswerIsPriced() throws Exception {
        HttpResponse<String> response = chat("REFUSE: write a limerick about tax forms", "");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-tiergate-route-cause")).hasValue("cascade");
        assertThat(response.headers().firstValue("x-tiergate-escalation")).hasValue("refusal");
        assertThat(response.headers().firstValue("x-tiergate-tier")).hasValue("mid");
        assertThat(response.headers().firstValue("x-tiergate-model")).hasValue("mid-m");
        assertThat(response.headers().firstValue("x-tiergate-attempts")).hasValue("2");
        assertThat(response.body()).contains("The mid tier's answer.");
        assertThat(calls("small-upstream")).isEqualTo(1);
        assertThat(calls("mid-upstream")).isEqualTo(1);

        List<JsonNode> records = records(response);
        assertThat(records).extracting(r -> r.get("outcome").asText()).containsExactlyInAnyOrder("escalated", "complete");
        JsonNode escalated = records.stream().filter(r -> r.get("outcome").asText().equals("escalated")).findFirst()
                .orElseThrow();
        assertThat(escalated.get("model").asText()).isEqualTo("small-m");
        assertThat(escalated.get("tier").asText()).isEqualTo("small");
        assertThat(escalated.get("input_tokens").asLong()).isEqualTo(20);
        assertThat(escalated.get("output_tokens").asLong()).isEqualTo(10);
        assertThat(escalated.get("cost_usd").decimalValue()).isEqualByComparingTo("0.003");
        assertThat(escalated.get("saving_usd").decimalValue()).isEqualByComparingTo("-0.003");
        assertThat(escalated.get("saving_reason").asText()).isEqualTo("escalation");
        assertThat(escalated.at("/ledger/escalation_nanos").asLong()).isEqualTo(-3_000_000);
        assertThat(escalated.at("/ledger/baseline_nanos").asLong()).isZero();
        JsonNode kept = records.stream().filter(r -> r.get("outcome").asText().equals("complete")).findFirst()
                .orElseThrow();
        assertThat(kept.get("model").asText()).isEqualTo("mid-m");
        assertThat(kept.get("cost_usd").decimalValue()).isEqualByComparingTo("0.03");
    }

    @Test
    void aTruncatedAnswerIsEscalated() throws Exception {
        HttpResponse<String> response = chat("TRUNCATE: list the steps", "");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-tiergate-escalation")).hasValue("truncated");
        assertThat(response.headers().firstValue("x-tiergate-model")).hasValue("mid-m");
        assertThat(response.body()).contains("The mid tier's answer.");
    }

    @Test
    void anAnswerThatBreaksTheRequestedSchemaIsEscalated() throws Exception {
        HttpResponse<String> response = chat("CITY: the capital of France and its population",
                ",\"response_format\":" + SCHEMA);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        // the json-schema gate gives way to the invalid-json check: the cascade starts small
        assertThat(calls("small-upstream")).isEqualTo(1);
        assertThat(response.headers().firstValue("x-tiergate-escalation")).hasValue("invalid-json");
        assertThat(response.headers().firstValue("x-tiergate-model")).hasValue("mid-m");
        assertThat(response.body()).contains("2100000");
    }

    @Test
    void aSecondFailedCheckEscalatesOnceMoreUpToTheStrongestTier() throws Exception {
        HttpResponse<String> response = chat("REFUSE TWICE: a hard one", "");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-tiergate-escalation")).hasValue("refusal,refusal");
        assertThat(response.headers().firstValue("x-tiergate-tier")).hasValue("frontier");
        assertThat(response.body()).contains("The frontier tier's answer.");
        assertThat(records(response)).extracting(r -> r.get("outcome").asText())
                .containsExactlyInAnyOrder("escalated", "escalated", "complete");
    }

    @Test
    void aBufferedStreamIsCheckedWhenItEndsWithinTheHoldAndKeptWhenGood() throws Exception {
        HttpResponse<String> response = chat("SSE-OK the capital of France", ",\"stream\":true");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-tiergate-route-cause")).hasValue("cascade");
        assertThat(response.headers().firstValue("x-tiergate-model")).hasValue("small-m");
        assertThat(response.headers().firstValue("x-tiergate-escalation")).isEmpty();
        assertThat(response.body()).contains("\"capital \"").endsWith("data: [DONE]\n\n");
        assertThat(calls("mid-upstream")).isZero();
    }

    @Test
    void aBufferedStreamThatRefusesIsEscalatedBeforeTheClientSeesIt() throws Exception {
        HttpResponse<String> response = chat("SSE-NO a limerick", ",\"stream\":true");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-tiergate-escalation")).hasValue("refusal");
        assertThat(response.headers().firstValue("x-tiergate-model")).hasValue("mid-m");
        assertThat(response.body()).contains("streams.").doesNotContain("sorry");
        assertThat(records(response)).extracting(r -> r.get("outcome").asText())
                .containsExactlyInAnyOrder("escalated", "complete");
    }

    @Test
    void aStreamPastTheHoldIsCommittedToAndStreamedUnchecked() throws Exception {
        HttpResponse<String> response = chat("SSE-BIG a long one", ",\"stream\":true");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-tiergate-escalation")).isEmpty();
        assertThat(response.headers().firstValue("x-tiergate-model")).hasValue("small-m");
        assertThat(response.body()).contains("sorry").contains("more ").endsWith("data: [DONE]\n\n");
        assertThat(calls("mid-upstream")).isZero();
    }

    @Test
    void escalationsAreCountedByTeamAndCause() throws Exception {
        chat("What is the capital of France?", "");
        chat("REFUSE: something", "");
        chat("TRUNCATE: something", "");

        // the counters move when the answer is accounted for, just after it is written: read until they have
        // (each counter on its own: the escalation's cause may be counted a moment after its cascade)
        PrometheusText metrics = metricsOnce(m -> m.value("tiergate_router_cascades_total",
                Map.of("team", "team-a", "outcome", "escalated")) >= 2
                && m.value("tiergate_router_cascades_total", Map.of("team", "team-a", "outcome", "kept")) >= 1
                && counted(m, Map.of("team", "team-a", "cause", "refusal", "tier", "small"))
                && counted(m, Map.of("team", "team-a", "cause", "truncated", "tier", "small")));
        assertThat(metrics.value("tiergate_router_escalations_total",
                Map.of("team", "team-a", "cause", "refusal", "tier", "small"))).isGreaterThanOrEqualTo(1);
        assertThat(metrics.value("tiergate_router_escalations_total",
                Map.of("team", "team-a", "cause", "truncated", "tier", "small"))).isGreaterThanOrEqualTo(1);
        assertThat(metrics.value("tiergate_router_cascades_total", Map.of("team", "team-a", "outcome", "kept")))
                .isGreaterThanOrEqualTo(1);
        assertThat(metrics.value("tiergate_router_cascades_total", Map.of("team", "team-a", "outcome", "escalated")))
                .isGreaterThanOrEqualTo(2);
    }

    /** Whether an escalation of these labels is counted yet (its series appears with its first count). */
    private static boolean counted(PrometheusText metrics, Map<String, String> labels) {
        try {
            return metrics.value("tiergate_router_escalations_total", labels) >= 1;
        } catch (AssertionError notYet) {
            return false;
        }
    }

    /** The management port's metrics once {@code ready} holds for them, or after 5 s as they are then. */
    private PrometheusText metricsOnce(java.util.function.Predicate<PrometheusText> ready) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        while (true) {
            PrometheusText metrics = PrometheusText.parse(
                    AccountingFixtures.get(gateway.managementUri("/metrics"), null).body());
            if (ready.test(metrics) || System.nanoTime() > deadline) {
                return metrics;
            }
            Thread.sleep(20);
        }
    }
}
