package dev.tiergate.server.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.tiergate.server.e2e.DashboardCalls.get;
import static dev.tiergate.server.e2e.DashboardCalls.session;
import static dev.tiergate.server.e2e.DashboardCalls.view;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The dashboard's data API through the real server on the management port, after a scripted load
 * against a WireMock provider: a miss, an exact hit, a cascade escalated from the small to the mid
 * tier, another team's request, a stream, and an upstream error. Spend equals {@code /v1/usage},
 * cache and tier counts equal its rows, latency counts equal the requests and upstream calls made,
 * the failure is listed with its request id, the tail shows every request id and no prompt text,
 * and nothing is served without a login.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardApiEndToEndTest {
    private static final String KEY_B = "sk-test-team-b";
    private static final String[] ROUTES = {"/dashboard/api/spend", "/dashboard/api/caches", "/dashboard/api/routing",
        "/dashboard/api/latency", "/dashboard/api/upstreams", "/dashboard/api/tail"};
    private final WireMockServer upstream = new WireMockServer(wireMockConfig().dynamicPort());
    private TestGateway gateway;
    /** Request ids of the scripted load, in order. */
    private final List<String> requestIds = new ArrayList<>();
    private String failedRequestId;
    private String cookie;

    @BeforeAll
    void load() throws Exception {
        upstream.start();
        stub("small-upstream", "", UpstreamFixtures.answer("Paris is the capital of France.", "stop"));
        stub("small-upstream", "REFUSE", UpstreamFixtures.answer("I'm sorry, but I can't help with that request.", "stop"));
        stub("small-upstream", "STREAM", aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream")
                .withBody(UpstreamFixtures.streamBody("m", "Streamed words.")));
        stub("mid-upstream", "", UpstreamFixtures.answer("The mid tier's answer.", "stop"));
        stub("big-upstream", "FAIL", aResponse().withStatus(503)
                .withBody("{\"error\":{\"message\":\"overloaded, secret detail\"}}"));
        String yaml = UpstreamFixtures.threeTiersYaml(upstream.port()) + """
                router: {enabled: true, mode: cascade}
                resilience: {retry: {max-attempts: 1}}
                admin-keys: [{id: ops, sha256: %s}]
                """.formatted(AccountingFixtures.ADMIN_SHA256);
        gateway = TestGateway.startWithTeams(yaml, Map.of(), Map.of("team-a", TestGateway.KEY, "team-b", KEY_B));

        assertThat(chat(TestGateway.KEY, "auto", "What is the capital of France?", false).headers()
                .firstValue("x-tiergate-cache")).hasValue("miss");
        assertThat(chat(TestGateway.KEY, "auto", "What is the capital of France?", false).headers()
                .firstValue("x-tiergate-cache")).hasValue("hit");
        assertThat(chat(TestGateway.KEY, "auto", "REFUSE this please", false).headers()
                .firstValue("x-tiergate-escalation")).hasValue("refusal");
        chat(KEY_B, "small-m", "Hello from team b", false);
        chat(KEY_B, "small-m", "STREAM me something", true);
        HttpResponse<String> failed = chat(KEY_B, "big-m", "FAIL now", false);
        assertThat(failed.statusCode()).isEqualTo(502);
        failedRequestId = failed.headers().firstValue("x-tiergate-request-id").orElseThrow();
        gateway.flushUsage();
        cookie = session(gateway);
    }

    @AfterAll
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        upstream.stop();
    }

    @Test
    void spendTotalsAreThoseOfTheUsageReport() {
        JsonNode spend = view(gateway, "/dashboard/api/spend", cookie);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        assertThat(spend.path("days")).hasSize(14);
        assertThat(spend.path("days").get(13).asText()).isEqualTo(today.toString());
        assertThat(spend.path("days").get(0).asText()).isEqualTo(today.minusDays(13).toString());
        assertThat(spend.path("teams").findValuesAsText("")).isEmpty();
        assertThat(texts(spend.path("teams"))).containsExactly("team-a", "team-b");

        JsonNode usage = AccountingFixtures.usage(gateway, "?from=" + today.minusDays(13) + "&to=" + today,
                AccountingFixtures.ADMIN_KEY);
        JsonNode totals = spend.path("totals");
        assertThat(totals.path("requests").asLong()).isEqualTo(usage.at("/totals/requests").asLong()).isPositive();
        for (String field : List.of("actual_usd", "baseline_usd", "saving_usd")) {
            assertThat(totals.path(field).decimalValue()).as(field)
                    .isEqualByComparingTo(usage.at("/totals/ledger/" + field).decimalValue());
        }
        usage.at("/totals/ledger/by_reason").fieldNames().forEachRemaining(reason ->
                assertThat(totals.path("by_reason").path(reason).decimalValue()).as(reason)
                        .isEqualByComparingTo(usage.at("/totals/ledger/by_reason/" + reason).decimalValue()));
        assertThat(totals.at("/by_reason/exact_cache_usd").decimalValue()).isPositive();
        assertThat(totals.at("/by_reason/escalation_usd").decimalValue()).isNegative();

        for (JsonNode row : usage.path("by_team_day")) {
            JsonNode mine = find(spend.path("rows"), Map.of("team", row.path("team").asText(),
                    "day", row.path("day").asText()));
            assertThat(mine.path("requests").asLong()).isEqualTo(row.path("requests").asLong());
            assertThat(mine.path("actual_usd").decimalValue()).isEqualByComparingTo(row.at("/ledger/actual_usd").decimalValue());
            assertThat(mine.path("saving_usd").decimalValue()).isEqualByComparingTo(row.at("/ledger/saving_usd").decimalValue());
        }
        assertThat(spend.path("rows")).hasSize(usage.path("by_team_day").size());
        assertThat(get(gateway, "/dashboard/api/spend?days=91", cookie).statusCode()).isEqualTo(400);
        assertThat(view(gateway, "/dashboard/api/spend?days=1", cookie).path("days")).hasSize(1);
    }

    @Test
    void cacheAndTierCountsAreThoseOfTheUsageReport() throws Exception {
        JsonNode caches = view(gateway, "/dashboard/api/caches", cookie).path("teams");
        JsonNode routing = view(gateway, "/dashboard/api/routing", cookie).path("teams");
        assertThat(texts(caches.findValues("team"))).containsExactly("team-a", "team-b");
        for (String team : List.of("team-a", "team-b")) {
            JsonNode usage = AccountingFixtures.usage(gateway, "?team=" + team, AccountingFixtures.ADMIN_KEY);
            JsonNode cache = find(caches, Map.of("team", team));
            Map<String, Long> byCache = counts(usage.path("by_cache"), "cache");
            assertThat(cache.path("requests").asLong()).isEqualTo(usage.at("/totals/requests").asLong()
                    - byCache.getOrDefault("shadow-check", 0L));
            assertThat(cache.path("hit").asLong()).isEqualTo(byCache.getOrDefault("hit", 0L));
            assertThat(cache.path("miss").asLong()).isEqualTo(byCache.getOrDefault("miss", 0L));
            assertThat(cache.path("semantic_hit").asLong()).isEqualTo(byCache.getOrDefault("semantic-hit", 0L));
            assertThat(cache.path("bypass").asLong()).isEqualTo(byCache.getOrDefault("bypass", 0L));
            assertThat(cache.path("hit_rate").asDouble())
                    .isEqualTo((double) cache.path("hit").asLong() / cache.path("requests").asLong());
            assertThat(cache.path("false_hit").isNull()).as("no online verification").isTrue();

            JsonNode tiers = find(routing, Map.of("team", team)).path("tiers");
            counts(usage.path("by_tier"), "tier").forEach((tier, requests) ->
                    assertThat(tiers.path(tier).asLong()).as(team + " " + tier).isEqualTo(requests));
            assertThat(tiers.has("small") && tiers.has("mid") && tiers.has("frontier")).isTrue();
        }
        JsonNode a = find(caches, Map.of("team", "team-a"));
        assertThat(a.path("hit").asLong()).isEqualTo(1);
        // the first miss, and the cascade's two records (the small tier's escalated attempt, the mid tier's answer)
        assertThat(a.path("miss").asLong()).isEqualTo(3);
        JsonNode routedA = find(routing, Map.of("team", "team-a"));
        assertThat(routedA.path("escalations").asLong()).isEqualTo(1);
        assertThat(routedA.at("/tiers/mid").asLong()).isPositive();
        assertThat(find(routing, Map.of("team", "team-b")).path("escalations").asLong()).isZero();
        HttpResponse<String> adminView = AdminCalls.call("GET", gateway.managementUri("/admin/routing/team-a"),
                AccountingFixtures.ADMIN_KEY, null);
        if (adminView.statusCode() == 404) {
            assertThat(routedA.path("policy").isNull()).isTrue();
        } else {
            assertThat(routedA.path("policy")).isEqualTo(AccountingFixtures.json(adminView.body()));
        }
    }

    @Test
    void latencyCountsTheAnsweredRequestsAndTheUpstreamCalls() {
        JsonNode latency = view(gateway, "/dashboard/api/latency", cookie);
        JsonNode gatewayAdded = latency.path("gateway");
        // the miss, the hit, the cascade and team b's plain answer; not the stream, not the failure
        assertThat(gatewayAdded.path("count").asLong()).isEqualTo(4);
        assertBuckets(gatewayAdded);
        assertThat(gatewayAdded.path("buckets").get(0).path("le_ms").asDouble()).isEqualTo(0.5);
        JsonNode up = find(latency.path("upstreams"), Map.of("provider", "up"));
        assertThat(up.path("count").asLong()).isEqualTo(upstream.getAllServeEvents().size()).isEqualTo(6);
        assertBuckets(up);
    }

    @Test
    void theFailedAttemptIsListedWithItsRequestIdAndNothingOfTheProvidersMessage() {
        JsonNode upstreams = view(gateway, "/dashboard/api/upstreams", cookie);
        JsonNode breaker = find(upstreams.path("breakers"), Map.of("provider", "up"));
        assertThat(breaker.path("state").asText()).isEqualTo("closed");
        assertThat(breaker.path("deployment").asText()).isEqualTo("up");
        JsonNode errors = upstreams.path("errors");
        assertThat(errors).hasSize(1);
        JsonNode error = errors.get(0);
        assertThat(error.path("request_id").asText()).isEqualTo(failedRequestId);
        assertThat(error.path("provider").asText()).isEqualTo("up");
        assertThat(error.path("model").asText()).isEqualTo("big-m");
        assertThat(error.path("status").asInt()).isEqualTo(503);
        assertThat(error.path("attempt").asInt()).isEqualTo(1);
        assertThat(error.path("code").asText()).isNotBlank();
        assertThat(error.path("at").asText()).isNotBlank();
        assertThat(upstreams.toString()).doesNotContain("secret detail").doesNotContain("FAIL now");
    }

    @Test
    void theTailHoldsTheRequestLogLinesWithoutPromptText() throws InterruptedException {
        JsonNode tail = tailHolding("/dashboard/api/tail", requestIds.get(requestIds.size() - 1));
        List<String> ids = texts(tail.path("lines").findValues("request_id"));
        assertThat(ids).containsSubsequence(requestIds);
        assertThat(ids).contains(failedRequestId);
        JsonNode failedLine = find(tail.path("lines").findValues("entry"), Map.of("request_id", failedRequestId));
        assertThat(failedLine.path("status").asInt()).isEqualTo(502);
        assertThat(failedLine.path("team").asText()).isEqualTo("team-b");
        assertThat(tail.toString()).doesNotContain("capital of France").doesNotContain("Paris")
                .doesNotContain("\"prompt\"");

        long next = tail.path("next").asLong();
        assertThat(next).isEqualTo(tail.path("lines").get(tail.path("lines").size() - 1).path("seq").asLong());
        JsonNode nothing = view(gateway, "/dashboard/api/tail?after=" + next, cookie);
        assertThat(nothing.path("lines")).as("the dashboard's own calls are not in the tail").isEmpty();
        assertThat(nothing.path("next").asLong()).isEqualTo(next);
        String newId = chat(TestGateway.KEY, "small-m", "One more for the tail", false).headers()
                .firstValue("x-tiergate-request-id").orElseThrow();
        JsonNode more = tailHolding("/dashboard/api/tail?after=" + next, newId);
        assertThat(texts(more.path("lines").findValues("request_id"))).contains(newId).doesNotContain(requestIds.get(0));
        assertThat(more.path("lines").get(0).path("seq").asLong()).isEqualTo(next + 1);
        assertThat(get(gateway, "/dashboard/api/tail?after=x", cookie).statusCode()).isEqualTo(400);
    }

    @Test
    void nothingIsServedWithoutALoginOrToATeamKey() {
        for (String route : ROUTES) {
            HttpResponse<String> none = get(gateway, route, null);
            assertThat(none.statusCode()).as(route).isEqualTo(401);
            assertThat(none.body()).as(route).contains("\"code\":\"login_required\"");
            assertThat(AdminCalls.call("GET", gateway.managementUri(route), TestGateway.KEY, null).statusCode())
                    .as(route + " with a team key").isEqualTo(401);
            assertThat(AdminCalls.call("GET", gateway.managementUri(route), AccountingFixtures.ADMIN_KEY, null)
                    .statusCode()).as(route + " with the admin key").isEqualTo(200);
            assertThat(AdminCalls.call("GET", gateway.uri(route), AccountingFixtures.ADMIN_KEY, null).statusCode())
                    .as(route + " on the API port").isEqualTo(404);
        }
    }

    private HttpResponse<String> chat(String key, String model, String prompt, boolean stream) {
        String body = "{\"model\":\"" + model + "\",\"temperature\":0,\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}";
        HttpResponse<String> response = DashboardCalls.send(HttpRequest.newBuilder(gateway.uri("/v1/chat/completions"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        response.headers().firstValue("x-tiergate-request-id").ifPresent(requestIds::add);
        return response;
    }

    private void stub(String upstreamModel, String promptMarker, ResponseDefinitionBuilder response) {
        UpstreamFixtures.stubModel(upstream, upstreamModel, promptMarker, response);
    }


    /** Non-cumulative buckets: they sum to the count, the last one is above every bound. */
    private static void assertBuckets(JsonNode histogram) {
        JsonNode buckets = histogram.path("buckets");
        long sum = 0;
        for (JsonNode bucket : buckets) {
            sum += bucket.path("count").asLong();
        }
        assertThat(sum).isEqualTo(histogram.path("count").asLong());
        assertThat(buckets.get(buckets.size() - 1).path("le_ms").isNull()).isTrue();
        assertThat(histogram.path("p50_ms").asDouble()).isLessThanOrEqualTo(histogram.path("p99_ms").asDouble());
    }

    private static JsonNode find(Iterable<JsonNode> rows, Map<String, String> fields) {
        for (JsonNode row : rows) {
            if (fields.entrySet().stream().allMatch(f -> f.getValue().equals(row.path(f.getKey()).asText()))) {
                return row;
            }
        }
        throw new AssertionError("no row with " + fields + " in " + rows);
    }

    private static Map<String, Long> counts(JsonNode rows, String label) {
        Map<String, Long> counts = new HashMap<>();
        rows.forEach(row -> counts.put(row.path(label).asText(), row.path("requests").asLong()));
        return counts;
    }

    /** The tail at {@code path} once it holds {@code requestId}'s line (written just after the answer), or after 5 s. */
    private JsonNode tailHolding(String path, String requestId) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        JsonNode tail = view(gateway, path, cookie);
        while (!texts(tail.path("lines").findValues("request_id")).contains(requestId) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            tail = view(gateway, path, cookie);
        }
        return tail;
    }

    private static List<String> texts(Iterable<JsonNode> nodes) {
        List<String> out = new ArrayList<>();
        nodes.forEach(node -> out.add(node.asText()));
        return out;
    }
}
