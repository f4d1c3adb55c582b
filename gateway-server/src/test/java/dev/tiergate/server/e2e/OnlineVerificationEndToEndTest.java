package dev.tiergate.server.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Online verification of semantic hits through the real server: every hit of team-a is also asked
 * of a WireMock provider in the background; an upstream that now answers something else raises the
 * team's estimated false-hit rate and tightens its operating point, one that answers the same keeps
 * it low, the client never waits for the shadow call, shadow calls are priced in {@code /v1/usage}
 * as {@code shadow-check}, and none is made past the team's soft budget.
 */
class OnlineVerificationEndToEndTest {
    private static final String PROMPT = "What is the capital of France?";
    private static final String CACHED = "The capital of France is Paris.";
    private static final String OTHER = "To bake bread, mix flour, water, yeast and salt, knead the dough, let it"
            + " rise for an hour and bake it at 220 degrees for thirty minutes.";
    private static final Map<String, String> TEAM = Map.of("team", "team-a");

    @TempDir
    Path dir;
    private WireMockServer upstream;

    @BeforeEach
    void start() {
        upstream = new WireMockServer(wireMockConfig().dynamicPort());
        upstream.start();
    }

    @AfterEach
    void stop() {
        upstream.stop();
    }

    /** The first call answers {@link #CACHED}; later ones {@code later}, after {@code delayMs}. */
    private void stubUpstream(String later, int delayMs) {
        upstream.stubFor(post(urlEqualTo("/v1/chat/completions")).inScenario("answers")
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("answered")
                .willReturn(answer(CACHED, 0)));
        upstream.stubFor(post(urlEqualTo("/v1/chat/completions")).inScenario("answers")
                .whenScenarioStateIs("answered").willReturn(answer(later, delayMs)));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder answer(String text, int delayMs) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withFixedDelay(delayMs)
                .withBody("""
                        {"id":"chatcmpl-o","object":"chat.completion","created":1700000000,"model":"m",
                         "choices":[{"index":0,"message":{"role":"assistant","content":"%s"},"finish_reason":"stop"}],
                         "usage":{"prompt_tokens":300,"completion_tokens":300,"total_tokens":600}}""".formatted(text));
    }

    /** One model at 1000 USD per million tokens (an answer of 600 tokens costs 0.60), the exact cache off. */
    private TestGateway gateway(String online, String teamExtra) throws InterruptedException {
        String yaml = """
                server: {host: 127.0.0.1}
                providers:
                  up: {type: openai, base-url: "http://127.0.0.1:%d/v1", api-key: sk-upstream-secret}
                models:
                  m: {provider: up, max-output-tokens: 20, price: {input: 1000, output: 1000}}
                cache:
                  exact: {enabled: false}
                  semantic:
                    enabled: true
                    online-verification: %s
                usage: {file: "%s"}
                admin-keys: [{id: ops, sha256: %s}]
                """.formatted(upstream.port(), online, dir.resolve("usage.jsonl"), AccountingFixtures.ADMIN_SHA256);
        return TestGateway.start(yaml, Map.of(), Map.of("teams/team-a.yaml", TestGateway.teamYaml(teamExtra)));
    }

    private static HttpResponse<String> ask(TestGateway gateway) {
        return AccountingFixtures.chat(gateway, TestGateway.KEY, "m", PROMPT);
    }

    /** Asks once (a miss, answered and stored) and waits until the answer is in the semantic store. */
    private static void answerAndStore(TestGateway gateway) throws InterruptedException {
        HttpResponse<String> first = ask(gateway);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(first.headers().firstValue("x-tiergate-cache")).hasValue("miss");
        await(() -> metric(gateway, "tiergate_cache_semantic_stores_total", Map.of("outcome", "stored")) >= 1,
                "the answer stored");
    }

    private static HttpResponse<String> hit(TestGateway gateway) {
        HttpResponse<String> response = ask(gateway);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-tiergate-cache")).hasValue("semantic-hit");
        assertThat(AccountingFixtures.json(response.body()).at("/choices/0/message/content").asText())
                .isEqualTo(CACHED);
        return response;
    }

    private static double metric(TestGateway gateway, String name, Map<String, String> labels) {
        return AccountingFixtures.metrics(gateway).value(name, labels);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(20);
        }
    }

    private static JsonNode online(TestGateway gateway) {
        return AccountingFixtures.usage(gateway, "", TestGateway.KEY).at("/semantic_cache/online_verification");
    }

    private static JsonNode cacheRow(JsonNode usage, String cache) {
        for (JsonNode row : usage.get("by_cache")) {
            if (row.get("cache").asText().equals(cache)) {
                return row;
            }
        }
        return null;
    }

    @Test
    void anUpstreamThatNowAnswersOtherwiseRaisesTheEstimateAndTightensTheOperatingPoint() throws Exception {
        stubUpstream(OTHER, 0);
        try (TestGateway gateway = gateway("{share: 1.0, window: 10, min-checks: 5}", "")) {
            answerAndStore(gateway);
            double before = metric(gateway, "tiergate_cache_semantic_online_operating_point", TEAM);
            for (int i = 1; i <= 5; i++) {
                hit(gateway);
                int checked = i;
                await(() -> metric(gateway, "tiergate_cache_semantic_online_checks_total", TEAM) >= checked,
                        "check " + checked);
            }
            assertThat(metric(gateway, "tiergate_cache_semantic_online_false_hits_total", TEAM)).isEqualTo(5);
            assertThat(metric(gateway, "tiergate_cache_semantic_online_tightenings", TEAM)).isEqualTo(1);
            double after = metric(gateway, "tiergate_cache_semantic_online_operating_point", TEAM);
            assertThat(before).as("the verifier's threshold at target 0.97").isEqualTo(0.76);
            assertThat(after).as("one step up: target 0.985").isGreaterThan(before);

            JsonNode online = online(gateway);
            assertThat(online.get("share").asDouble()).isEqualTo(1.0);
            assertThat(online.get("checks").asLong()).isEqualTo(5);
            assertThat(online.get("false_hits").asLong()).isEqualTo(5);
            assertThat(online.get("tightenings").asInt()).isEqualTo(1);
            assertThat(online.get("operating_point").asDouble()).isEqualTo(after);
            assertThat(online.get("tolerated_false_hit_rate").asDouble()).isCloseTo(0.03, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(online.at("/false_hit_rate/window_checks").asInt()).as("the window starts again").isZero();

            // one more check: the estimate of the new window
            hit(gateway);
            await(() -> metric(gateway, "tiergate_cache_semantic_online_checks_total", TEAM) >= 6, "check 6");
            online = online(gateway);
            assertThat(online.at("/false_hit_rate/estimate").asDouble()).isEqualTo(1.0);
            assertThat(online.at("/false_hit_rate/lower").asDouble()).isGreaterThan(0.03);
            assertThat(metric(gateway, "tiergate_cache_semantic_online_false_hit_rate_lower", TEAM)).isGreaterThan(0.03);

            // Shadow calls are a cost of their own in the usage: six calls at 600 tokens, 0.60 USD each,
            // no baseline, their cost a negative saving (shadow_check in the ledger).
            JsonNode usage = AccountingFixtures.usage(gateway, "", TestGateway.KEY);
            JsonNode shadow = cacheRow(usage, "shadow-check");
            assertThat(shadow).as("by_cache " + usage.get("by_cache")).isNotNull();
            assertThat(shadow.get("requests").asLong()).isEqualTo(6);
            assertThat(shadow.get("cost_usd").decimalValue()).isEqualByComparingTo("3.6");
            assertThat(shadow.get("saving_usd").decimalValue()).isEqualByComparingTo("-3.6");
            assertThat(shadow.at("/ledger/baseline_usd").decimalValue()).isEqualByComparingTo("0");
            assertThat(shadow.at("/ledger/by_reason/shadow_check_usd").decimalValue()).isEqualByComparingTo("-3.6");
            assertThat(cacheRow(usage, "semantic-hit").get("requests").asLong()).isEqualTo(6);
            upstream.verify(7, postRequestedFor(urlEqualTo("/v1/chat/completions")));
        }
    }

    @Test
    void anUpstreamThatAnswersTheSameKeepsTheEstimateLow() throws Exception {
        stubUpstream(CACHED, 0);
        try (TestGateway gateway = gateway("{share: 1.0, window: 10, min-checks: 5}", "")) {
            answerAndStore(gateway);
            for (int i = 1; i <= 6; i++) {
                hit(gateway);
                int checked = i;
                await(() -> metric(gateway, "tiergate_cache_semantic_online_checks_total", TEAM) >= checked,
                        "check " + checked);
            }
            JsonNode online = online(gateway);
            assertThat(online.get("checks").asLong()).isEqualTo(6);
            assertThat(online.get("false_hits").asLong()).isZero();
            assertThat(online.get("tightenings").asInt()).isZero();
            assertThat(online.at("/false_hit_rate/estimate").asDouble()).isZero();
            assertThat(online.at("/false_hit_rate/lower").asDouble()).isZero();
            assertThat(online.at("/false_hit_rate/upper").asDouble()).as("Wilson, 0 of 6").isCloseTo(0.39,
                    org.assertj.core.data.Offset.offset(0.01));
            assertThat(metric(gateway, "tiergate_cache_semantic_online_operating_point", TEAM)).isEqualTo(0.76);

            // the dashboard shows the same estimate, and the hits without the shadow calls
            gateway.flushUsage();
            JsonNode caches = AccountingFixtures.json(AdminCalls.call("GET",
                    gateway.managementUri("/dashboard/api/caches"), AccountingFixtures.ADMIN_KEY, null).body());
            JsonNode team = caches.at("/teams/0");
            assertThat(team.path("team").asText()).isEqualTo("team-a");
            assertThat(team.at("/false_hit/estimate").asDouble()).isZero();
            assertThat(team.at("/false_hit/upper").asDouble()).isEqualTo(online.at("/false_hit_rate/upper").asDouble());
            assertThat(team.at("/false_hit/checked").asLong()).isEqualTo(6);
            assertThat(team.path("semantic_hit").asLong()).isEqualTo(6);
            assertThat(team.path("shadow_checks").asLong()).isEqualTo(6);
            assertThat(team.path("requests").asLong()).isEqualTo(7);
            assertThat(team.path("semantic_hit_rate").asDouble()).isEqualTo(6.0 / 7);
        }
    }

    @Test
    void theClientGetsItsHitBeforeTheShadowCallIsAnswered() throws Exception {
        int upstreamDelayMs = 3_000;
        stubUpstream(CACHED, upstreamDelayMs);
        try (TestGateway gateway = gateway("{share: 1.0}", "")) {
            answerAndStore(gateway);
            long start = System.nanoTime();
            hit(gateway);
            long hitMillis = (System.nanoTime() - start) / 1_000_000;
            // The client has its answer while the shadow call still waits for the upstream's delayed answer.
            assertThat(metric(gateway, "tiergate_cache_semantic_online_checks_total", TEAM)).isZero();
            assertThat(metric(gateway, "tiergate_cache_semantic_online_in_flight", Map.of())).isEqualTo(1);
            assertThat(hitMillis).isLessThan(upstreamDelayMs);
            await(() -> metric(gateway, "tiergate_cache_semantic_online_checks_total", TEAM) >= 1, "the shadow check");
            assertThat(metric(gateway, "tiergate_cache_semantic_online_in_flight", Map.of())).isZero();
            upstream.verify(2, postRequestedFor(urlEqualTo("/v1/chat/completions")));
        }
    }

    @Test
    void noShadowCallIsMadeOnceTheTeamIsPastItsSoftBudget() throws Exception {
        stubUpstream(OTHER, 0);
        // The first answer costs 0.60 of 1.00: past the soft budget (50%); a hit's reservation (0.03) still fits.
        try (TestGateway gateway = gateway("{share: 1.0}",
                "limits: {monthly-budget-usd: 1.00, soft-budget-percent: 50}\n")) {
            answerAndStore(gateway);
            HttpResponse<String> served = hit(gateway);
            assertThat(served.headers().firstValue("x-tiergate-budget-warning")).isPresent();
            await(() -> online(gateway).at("/skipped/limits").asLong() >= 1, "the shadow call skipped");
            JsonNode online = online(gateway);
            assertThat(online.get("checks").asLong()).isZero();
            assertThat(online.at("/skipped/limits").asLong()).isEqualTo(1);
            assertThat(metric(gateway, "tiergate_cache_semantic_online_skipped_limits_total", TEAM)).isEqualTo(1);
            upstream.verify(1, postRequestedFor(urlEqualTo("/v1/chat/completions")));
            assertThat(cacheRow(AccountingFixtures.usage(gateway, "", TestGateway.KEY), "shadow-check")).isNull();
            // the reservation of the refused shadow call was given back: the next hit is served
            hit(gateway);
        }
    }
}
