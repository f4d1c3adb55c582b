package dev.tiergate.server.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bursts of one team against its budget and token limit, as a team would try them: every request
 * reserves its worst case before it goes upstream, so what is answered never spends more than the
 * budget (an answer costs USD 0.49 at 10,000 USD per million tokens; a request reserves about 0.65)
 * nor uses more tokens than the minute allows, whatever the concurrency, on one replica or two
 * sharing Redis.
 */
class BudgetBurstTest {
    private static final BigDecimal BUDGET = new BigDecimal("1.00");
    private static final String STREAM_PROMPT = "stream me";
    private static final String SLOW_STREAM_PROMPT = "slow stream";

    @TempDir
    Path dir;
    private WireMockServer upstream;
    private String redisPrefix;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() {
        upstream = new WireMockServer(wireMockConfig().dynamicPort().containerThreads(120));
        upstream.start();
    }

    @AfterEach
    void stop() {
        upstream.stop();
        if (redisPrefix != null) {
            RedisSupport.deleteKeys(RedisSupport.url(), redisPrefix);
        }
    }

    /** 20 input and 29 output tokens: USD 0.49 an answer. */
    private void stubAnswers(int delayMillis) {
        upstream.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(200)
                .withFixedDelay(delayMillis).withHeader("Content-Type", "application/json").withBody("""
                        {"id":"chatcmpl-b","object":"chat.completion","created":1700000000,"model":"burst",
                         "choices":[{"index":0,"message":{"role":"assistant","content":"fine"},"finish_reason":"stop"}],
                         "usage":{"prompt_tokens":20,"completion_tokens":29,"total_tokens":49}}""")));
        String stream = UpstreamFixtures.streamBody("burst", "one two three four five six seven eight")
                .replaceAll("\"prompt_tokens\":\\d+", "\"prompt_tokens\":20")
                .replaceAll("\"completion_tokens\":\\d+", "\"completion_tokens\":29")
                .replaceAll("\"total_tokens\":\\d+", "\"total_tokens\":49");
        upstream.stubFor(post(urlEqualTo("/v1/chat/completions")).withRequestBody(containing(STREAM_PROMPT))
                .atPriority(1).willReturn(aResponse().withStatus(200).withFixedDelay(delayMillis)
                        .withHeader("Content-Type", "text/event-stream").withBody(stream)));
        upstream.stubFor(post(urlEqualTo("/v1/chat/completions")).withRequestBody(containing(SLOW_STREAM_PROMPT))
                .atPriority(0).willReturn(aResponse().withStatus(200)
                        .withHeader("Content-Type", "text/event-stream").withBody(stream)
                        .withChunkedDribbleDelay(40, 8_000)));
    }

    private TestGateway gateway(String limits, String redis) throws InterruptedException {
        String yaml = """
                server: {host: 127.0.0.1, request-timeout-seconds: 30}
                providers:
                  up: {type: openai, base-url: "http://127.0.0.1:%d/v1", api-key: sk-upstream-secret}
                models:
                  burst: {provider: up, max-output-tokens: 40, price: {input: 10000, output: 10000}}
                usage: {file: "%s"}
                """.formatted(upstream.port(), dir.resolve("usage-" + System.nanoTime() + ".jsonl")) + redis;
        return TestGateway.start(yaml, Map.of(), Map.of("teams/team-a.yaml", TestGateway.teamYaml(limits)));
    }

    private HttpRequest chat(TestGateway gateway, String prompt, boolean stream) {
        String body = "{\"model\":\"burst\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}";
        return HttpRequest.newBuilder(gateway.uri("/v1/chat/completions")).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + TestGateway.KEY).header("Content-Type", "application/json")
                .header("x-tiergate-cache", "off").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /** Sends {@code count} requests at once (alternating over {@code gateways}) and waits for every answer. */
    private List<HttpResponse<String>> burst(List<TestGateway> gateways, int count,
                                             Function<TestGateway, HttpRequest> request) {
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            calls.add(http.sendAsync(request.apply(gateways.get(i % gateways.size())),
                    HttpResponse.BodyHandlers.ofString()));
        }
        return calls.stream().map(CompletableFuture::join).toList();
    }

    private static JsonNode totals(TestGateway gateway) {
        return AccountingFixtures.usage(gateway, "", TestGateway.KEY).at("/totals");
    }

    private static void assertAllAnsweredOrRefusedForBudget(List<HttpResponse<String>> responses, String code) {
        for (HttpResponse<String> response : responses) {
            if (response.statusCode() != 200) {
                LimitsEndToEndTest.assertRefused(response, code, "team 'team-a'");
            }
        }
    }

    /**
     * Every answer was counted and what was answered cost no more than the budget; returns how many
     * were answered.
     */
    private static long assertAnsweredWithinBudget(List<HttpResponse<String>> responses, TestGateway counted) {
        long answered = responses.stream().filter(r -> r.statusCode() == 200).count();
        JsonNode totals = totals(counted);
        assertThat(totals.at("/requests").asLong()).isEqualTo(answered);
        assertThat(totals.at("/cost_usd").decimalValue()).isLessThanOrEqualTo(BUDGET);
        return answered;
    }

    @Test
    void fiftyConcurrentSlowRequestsStayWithinTheBudget() throws Exception {
        stubAnswers(1_500);
        try (TestGateway gateway = gateway("limits: {monthly-budget-usd: 1.00}\n", "")) {
            List<HttpResponse<String>> responses = burst(List.of(gateway), 50, g -> chat(g, "hello", false));
            assertAllAnsweredOrRefusedForBudget(responses, "budget_exceeded");
            long answered = assertAnsweredWithinBudget(responses, gateway);
            assertThat(answered).isPositive();
            assertThat(upstream.getAllServeEvents()).hasSize((int) answered);
        }
    }

    @Test
    void aHundredConcurrentFastRequestsAndFortyStreamsStayWithinTheBudget() throws Exception {
        stubAnswers(0);
        try (TestGateway gateway = gateway("limits: {monthly-budget-usd: 1.00}\n", "")) {
            List<HttpResponse<String>> plain = burst(List.of(gateway), 100, g -> chat(g, "hello", false));
            assertAllAnsweredOrRefusedForBudget(plain, "budget_exceeded");
            assertThat(totals(gateway).at("/cost_usd").decimalValue()).isLessThanOrEqualTo(BUDGET);
        }
        try (TestGateway gateway = gateway("limits: {monthly-budget-usd: 1.00}\n", "")) {
            List<HttpResponse<String>> streams = burst(List.of(gateway), 40, g -> chat(g, STREAM_PROMPT, true));
            assertAllAnsweredOrRefusedForBudget(streams, "budget_exceeded");
            assertThat(assertAnsweredWithinBudget(streams, gateway)).isPositive();
        }
    }

    @Test
    void fortyConcurrentRequestsStayWithinTheTokensPerMinute() throws Exception {
        stubAnswers(200);
        try (TestGateway gateway = gateway("limits: {tokens-per-minute: 100}\n", "")) {
            List<HttpResponse<String>> responses = burst(List.of(gateway), 40, g -> chat(g, "hello", false));
            assertAllAnsweredOrRefusedForBudget(responses, "token_rate_limit_exceeded");
            JsonNode totals = totals(gateway);
            assertThat(totals.at("/requests").asLong()).isPositive();
            assertThat(totals.at("/input_tokens").asLong() + totals.at("/output_tokens").asLong())
                    .isLessThanOrEqualTo(100);
        }
    }

    @Test
    void twoReplicasOnOneRedisShareTheBudget() throws Exception {
        String url = RedisSupport.url();
        redisPrefix = RedisSupport.uniquePrefix("burst");
        String redis = "redis: {url: \"" + url + "\", key-prefix: \"" + redisPrefix + "\"}\n";
        stubAnswers(300);
        try (TestGateway a = gateway("limits: {monthly-budget-usd: 1.00}\n", redis);
             TestGateway b = gateway("limits: {monthly-budget-usd: 1.00}\n", redis)) {
            List<HttpResponse<String>> responses = burst(List.of(a, b), 100, g -> chat(g, "hello", false));
            assertAllAnsweredOrRefusedForBudget(responses, "budget_exceeded");
            assertAnsweredWithinBudget(responses, a);
        }
    }

    @Test
    void aStreamCancelledMidWayGivesBackWhatItDidNotUse() throws Exception {
        stubAnswers(0);
        try (TestGateway gateway = gateway("limits: {monthly-budget-usd: 1.00}\n", "")) {
            HttpResponse<InputStream> stream = http.send(chat(gateway, SLOW_STREAM_PROMPT, true),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(stream.statusCode()).isEqualTo(200);
            try (InputStream body = stream.body()) {
                byte[] some = new byte[64];
                assertThat(body.read(some)).isPositive();
            }
            // The reservation (about USD 0.65) was settled to the little that was streamed: another fits.
            HttpResponse<String> next = awaitAnswered(gateway);
            assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
            JsonNode usage = AccountingFixtures.usage(gateway, "", TestGateway.KEY);
            assertThat(usage.at("/totals/requests").asLong()).isEqualTo(2);
            assertThat(usage.at("/totals/cost_usd").decimalValue()).isLessThan(BUDGET);
        }
    }

    /** The cancelled stream settles once the gateway notices the client left: retry for a few seconds. */
    private HttpResponse<String> awaitAnswered(TestGateway gateway) throws Exception {
        HttpResponse<String> last = null;
        for (int i = 0; i < 50; i++) {
            last = http.send(chat(gateway, "hello", false), HttpResponse.BodyHandlers.ofString());
            if (last.statusCode() == 200) {
                return last;
            }
            Thread.sleep(100);
        }
        return last;
    }
}
