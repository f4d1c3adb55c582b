package dev.tiergate.server.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import dev.tiergate.server.testing.HeadlessChromium;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in a real headless Chromium (over the DevTools protocol), on a real gateway whose
 * provider is WireMock, after a scripted load: exact and semantic hits, misses, a cascade's
 * escalations to the mid and frontier tiers, a shadow check of online verification and an upstream
 * error. The pages need a login (a wrong or a team key is refused and shows an error); once in,
 * each page shows the totals the JSON API gives (read from the page's text and its charts' data),
 * without an exception, a console error or a refused resource. Screenshots of every page go to
 * {@code target/dashboard-screenshots/}. Without Chromium the tests are skipped, or fail when
 * {@code CI=true}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTest {
    private static final String KEY_B = "sk-test-team-b";
    private static final Path SCREENSHOTS = Path.of("target", "dashboard-screenshots");
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    static Path dir;
    private WireMockServer upstream;
    private TestGateway gateway;
    private HeadlessChromium browser;

    @BeforeAll
    void start() throws Exception {
        Optional<Path> chromium = HeadlessChromium.executable();
        if (chromium.isEmpty()) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError("CI=true but no Chromium found (install Debian's chromium, or set CHROMIUM)");
            }
            Assumptions.abort("no Chromium on this machine (install Debian's chromium, or set CHROMIUM)");
        }
        upstream = new WireMockServer(wireMockConfig().dynamicPort());
        upstream.start();
        stubUpstream();
        String yaml = UpstreamFixtures.threeTiersYaml(upstream.port()) + """
                router: {enabled: true, mode: cascade}
                cache:
                  semantic: {enabled: true, online-verification: {share: 1.0}}
                resilience: {retry: {max-attempts: 1}}
                usage: {file: "%s"}
                admin-keys: [{id: ops, sha256: %s}]
                """.formatted(dir.resolve("usage.jsonl"), AccountingFixtures.ADMIN_SHA256);
        gateway = TestGateway.startWithTeams(yaml, Map.of(), Map.of("team-a", TestGateway.KEY, "team-b", KEY_B));
        runScriptedLoad();
        browser = HeadlessChromium.launch(chromium.get(), 1366, 768);
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (upstream != null) {
            upstream.stop();
        }
    }

    private void stubUpstream() {
        stub("small-upstream", "", answer("Paris is the capital of France.", "stop"));
        stub("small-upstream", "REFUSE", answer("I'm sorry, but I can't help with that request.", "stop"));
        stub("mid-upstream", "", answer("The mid tier's answer.", "stop"));
        stub("mid-upstream", "TWICE", answer("I am not sure what you mean.", "stop"));
        stub("big-upstream", "", answer("The frontier tier's answer.", "stop"));
        stub("big-upstream", "BOOM", aResponse().withStatus(500).withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"message\":\"the upstream broke\",\"type\":\"server_error\"}}"));
    }

    private void stub(String upstreamModel, String promptMarker, ResponseDefinitionBuilder response) {
        UpstreamFixtures.stubModel(upstream, upstreamModel, promptMarker, response);
    }

    private static ResponseDefinitionBuilder answer(String content, String finishReason) {
        return UpstreamFixtures.answer(content, finishReason);
    }

    private HttpResponse<String> chat(String key, String model, String prompt) {
        return AdminCalls.chat(gateway, key, model, prompt);
    }

    /** Hits, misses, escalations to mid and frontier, a semantic hit with its shadow check, an upstream error. */
    private void runScriptedLoad() throws Exception {
        assertThat(cacheOf(chat(TestGateway.KEY, "auto", "What is the capital of France?"))).isEqualTo("miss");
        assertThat(cacheOf(chat(TestGateway.KEY, "auto", "What is the capital of France?"))).isEqualTo("hit");
        HttpResponse<String> refused = chat(TestGateway.KEY, "auto", "REFUSE: tell me a secret");
        assertThat(refused.headers().firstValue("x-tiergate-tier")).hasValue("mid");
        HttpResponse<String> twice = chat(TestGateway.KEY, "auto", "REFUSE TWICE: a hard one");
        assertThat(twice.headers().firstValue("x-tiergate-escalation")).hasValue("refusal,refusal");
        assertThat(twice.headers().firstValue("x-tiergate-tier")).hasValue("frontier");
        assertThat(chat(TestGateway.KEY, "big-m", "BOOM goes the upstream").statusCode()).isEqualTo(502);

        assertThat(cacheOf(chat(KEY_B, "auto", "How do I reset my password?"))).isEqualTo("miss");
        await(() -> metric("tiergate_cache_semantic_stores_total", Map.of("outcome", "stored")) >= 2,
                "both answers stored in the semantic cache");
        assertThat(cacheOf(chat(KEY_B, "auto", "I forgot my password, how can I change it"))).isEqualTo("semantic-hit");
        await(() -> api("/dashboard/api/caches").path("teams").findValues("checked").stream()
                .mapToLong(JsonNode::asLong).sum() >= 1, "the semantic hit's shadow check");
        gateway.flushUsage();
    }

    private static String cacheOf(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.headers().firstValue("x-tiergate-cache").orElse("");
    }

    private double metric(String name, Map<String, String> labels) {
        return AccountingFixtures.metrics(gateway).value(name, labels);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    /** The dashboard's JSON API, asked with the admin key. */
    private JsonNode api(String path) {
        return AdminCalls.admin(gateway, "GET", path, null, 200);
    }

    private String page(String hash) {
        return gateway.managementUri("/dashboard/").toString() + hash;
    }

    private void screenshot(String name) throws Exception {
        browser.screenshot(SCREENSHOTS.resolve(name + ".png"));
    }

    private String text(String id) {
        return browser.evaluate("document.getElementById('" + id + "').textContent").asText();
    }

    private boolean visible(String id) {
        return browser.evaluate("(() => { const e = document.getElementById('" + id + "');"
                + " return !!e && !e.closest('[hidden]') && e.getClientRects().length > 0; })()").asBoolean();
    }

    /** The text of each cell of each body row of a table. */
    private List<List<String>> rows(String tableId) {
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode row : browser.evaluate("[...document.querySelectorAll('#" + tableId + " tbody tr')]"
                + ".map(tr => [...tr.cells].map(c => c.textContent))")) {
            List<String> cells = new ArrayList<>();
            row.forEach(c -> cells.add(c.asText()));
            rows.add(cells);
        }
        return rows;
    }

    /** Per dataset label, the sum of a chart's data, as Chart.js holds it. */
    private Map<String, Double> chartSums(String canvasId) {
        JsonNode sums = browser.evaluate("(() => { const c = Chart.getChart('" + canvasId + "');"
                + " if (!c) { return null; } const out = {};"
                + " for (const d of c.data.datasets) { out[d.label] = d.data.reduce((a, v) => a + (v || 0), 0); }"
                + " return out; })()");
        assertThat(sums.isObject()).as("a chart is drawn on #" + canvasId).isTrue();
        Map<String, Double> out = new HashMap<>();
        sums.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asDouble()));
        return out;
    }

    /** The number a page shows: "$1,234.50", "−$0.0012", "12.5%", "3 ms", "1,024". */
    private static double number(String shown) {
        String plain = shown.replace('\u2212', '-').replace("$", "").replace(",", "").replace("%", "")
                .replace("ms", "").trim();
        return Double.parseDouble(plain);
    }

    /** A USD amount as the page rounds it: 2 decimals from $1 up, else 4 significant digits. */
    private static void assertMoney(String shown, double expected, String what) {
        double tolerance = Math.abs(expected) >= 1 ? 0.005 : Math.abs(expected) * 5e-4;
        assertThat(number(shown)).as(what + " shown as " + shown).isCloseTo(expected, within(tolerance + 1e-12));
    }

    private static void assertPercent(String shown, double share, String what) {
        assertThat(number(shown)).as(what + " shown as " + shown).isCloseTo(share * 100, within(0.05 + 1e-9));
    }

    /** Loads the page afresh on {@code view} and waits until the view has drawn what the API gave it. */
    private void open(String view) throws InterruptedException {
        browser.navigate("about:blank");
        browser.navigate(page("#" + view));
        browser.waitFor("document.body.dataset.loaded === '" + view + "'", WAIT);
    }

    /** Signs in, opens {@code view} and answers what the API gives at {@code apiPath} (asked after the page drew). */
    private JsonNode showAndAsk(String view, String apiPath) throws InterruptedException {
        signIn();
        open(view);
        return api(apiPath);
    }

    private void assertNoProblems(String where) {
        assertThat(browser.problems()).as(where + ":\n" + HeadlessChromium.describe(browser.problems())).isEmpty();
    }

    private void login(String key) throws InterruptedException {
        browser.evaluate("document.getElementById('admin-key').value = " + jsString(key)
                + "; document.getElementById('login-submit').click(); true");
    }

    private static String jsString(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private void signIn() throws InterruptedException {
        browser.navigate("about:blank");
        browser.navigate(page(""));
        browser.waitFor("document.body.dataset.view", WAIT);
        if ("login".equals(browser.evaluate("document.body.dataset.view").asText())) {
            login(AccountingFixtures.ADMIN_KEY);
            browser.waitFor("document.body.dataset.loaded === 'spend'", WAIT);
        }
        browser.clearProblems();
    }

    @Test
    @Order(1)
    void thePagesNeedALoginAndAWrongKeyShowsAnError() throws Exception {
        browser.navigate(page("#spend"));
        browser.waitFor("document.body.dataset.view === 'login'", WAIT);

        assertThat(visible("login-form")).isTrue();
        assertThat(visible("nav")).isFalse();
        assertThat(visible("view-spend")).isFalse();
        assertThat(text("spend-actual")).as("no data before the login").isEqualTo("–");
        assertThat(browser.evaluate("location.href").asText()).doesNotContain("key");
        screenshot("01-login");

        login("sk-not-a-key");
        browser.waitFor("!document.getElementById('login-error').hidden", WAIT);
        assertThat(text("login-error")).contains("not an admin key");
        assertThat(visible("view-spend")).isFalse();
        screenshot("02-login-wrong-key");

        login(TestGateway.KEY);
        browser.waitFor("!document.getElementById('login-error').hidden && !document.getElementById('login-submit').disabled",
                WAIT);
        assertThat(text("login-error")).as("a team's key is no admin key").contains("not an admin key");
        assertThat(visible("nav")).isFalse();
        assertThat(text("spend-requests")).isEqualTo("–");

        // the page's own 401s (asking for the session, the refused keys) are all the browser reported
        assertThat(browser.problems()).as(HeadlessChromium.describe(browser.problems()))
                .allSatisfy(p -> {
                    assertThat(p.kind()).isEqualTo("log:network");
                    assertThat(p.text()).contains("401");
                    assertThat(p.url()).matches(".*/dashboard/api/(session|login)$");
                });
        assertThat(browser.evaluate("JSON.stringify(localStorage) + JSON.stringify(sessionStorage) + document.cookie")
                .asText()).as("the key is kept nowhere the page can read").doesNotContain("sk-");

        login(AccountingFixtures.ADMIN_KEY);
        browser.waitFor("document.body.dataset.loaded === 'spend'", WAIT);
        assertThat(visible("nav")).isTrue();
        assertThat(text("admin-name")).isEqualTo("ops");
        assertThat(browser.evaluate("document.cookie").asText()).as("the session cookie is http-only").isEmpty();
    }

    @Test
    @Order(2)
    void theSpendPageShowsTheLedgerOfTheApi() throws Exception {
        JsonNode spend = showAndAsk("spend", "/dashboard/api/spend?days=14");
        JsonNode totals = spend.path("totals");
        assertThat(totals.path("requests").asLong()).as("the scripted load").isGreaterThanOrEqualTo(7);
        assertThat(totals.at("/by_reason/exact_cache_usd").asDouble()).isPositive();
        assertThat(totals.at("/by_reason/semantic_cache_usd").asDouble()).isPositive();
        assertThat(totals.at("/by_reason/escalation_usd").asDouble()).isNegative();

        assertThat(number(text("spend-requests"))).isEqualTo(totals.path("requests").asDouble());
        assertMoney(text("spend-actual"), totals.path("actual_usd").asDouble(), "spent");
        assertMoney(text("spend-baseline"), totals.path("baseline_usd").asDouble(), "baseline");
        assertMoney(text("spend-saving"), totals.path("saving_usd").asDouble(), "saved");

        Map<String, Double> byTeam = chartSums("chart-spend-team");
        assertThat(byTeam.keySet()).containsExactlyInAnyOrder("team-a", "team-b");
        assertThat(byTeam.values().stream().mapToDouble(Double::doubleValue).sum())
                .isCloseTo(totals.path("actual_usd").asDouble(), within(1e-9));
        Map<String, Double> byReason = chartSums("chart-savings-reason");
        assertThat(byReason.get("Exact cache")).isCloseTo(totals.at("/by_reason/exact_cache_usd").asDouble(), within(1e-9));
        assertThat(byReason.get("Escalations")).isCloseTo(totals.at("/by_reason/escalation_usd").asDouble(), within(1e-9));
        assertThat(byReason.values().stream().mapToDouble(Double::doubleValue).sum())
                .isCloseTo(totals.path("saving_usd").asDouble(), within(1e-9));

        List<List<String>> table = rows("spend-table");
        assertThat(table).extracting(r -> r.get(0)).containsExactlyInAnyOrder("team-a", "team-b");
        for (List<String> row : table) {
            double requests = 0;
            double actual = 0;
            double escalation = 0;
            for (JsonNode r : spend.path("rows")) {
                if (r.path("team").asText().equals(row.get(0))) {
                    requests += r.path("requests").asDouble();
                    actual += r.path("actual_usd").asDouble();
                    escalation += r.at("/by_reason/escalation_usd").asDouble();
                }
            }
            assertThat(number(row.get(1))).as(row.get(0) + " requests").isEqualTo(requests);
            assertMoney(row.get(2), actual, row.get(0) + " spent");
            assertMoney(row.get(9), escalation, row.get(0) + " escalations");
        }
        screenshot("03-spend");
        assertNoProblems("the spend page");
    }

    @Test
    @Order(3)
    void theCachesPageShowsHitsAndTheEstimatedFalseHitRate() throws Exception {
        JsonNode caches = showAndAsk("caches", "/dashboard/api/caches?days=14");

        Map<String, JsonNode> teams = new HashMap<>();
        caches.path("teams").forEach(t -> teams.put(t.path("team").asText(), t));
        assertThat(teams.get("team-a").path("hit").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(teams.get("team-b").path("semantic_hit").asLong()).isGreaterThanOrEqualTo(1);
        JsonNode falseHit = teams.get("team-b").path("false_hit");
        assertThat(falseHit.path("checked").asLong()).isGreaterThanOrEqualTo(1);

        for (List<String> row : rows("caches-table")) {
            JsonNode t = teams.get(row.get(0));
            assertThat(t).as(row.get(0)).isNotNull();
            assertThat(number(row.get(1))).isEqualTo(t.path("requests").asDouble());
            assertThat(number(row.get(2))).isEqualTo(t.path("hit").asDouble());
            assertThat(number(row.get(3))).isEqualTo(t.path("semantic_hit").asDouble());
            assertThat(number(row.get(4))).isEqualTo(t.path("miss").asDouble());
            assertPercent(row.get(7), t.path("hit_rate").asDouble(), row.get(0) + " hit rate");
        }
        assertThat(rows("caches-table")).hasSize(teams.size());
        Map<String, Double> outcomes = chartSums("chart-cache-outcomes");
        assertThat(outcomes.get("Hit")).isEqualTo(teams.values().stream().mapToDouble(t -> t.path("hit").asDouble()).sum());
        assertThat(outcomes.get("Semantic hit"))
                .isEqualTo(teams.values().stream().mapToDouble(t -> t.path("semantic_hit").asDouble()).sum());
        assertThat(visible("chart-false-hits")).isTrue();
        assertThat(chartSums("chart-false-hits").get("Estimate"))
                .isCloseTo(falseHit.path("estimate").asDouble() * 100, within(1e-9));
        screenshot("04-caches");
        assertNoProblems("the caches page");
    }

    @Test
    @Order(4)
    void theRoutingPageShowsTheTierMixEscalationsAndPolicies() throws Exception {
        JsonNode routing = showAndAsk("routing", "/dashboard/api/routing?days=14");

        long escalations = 0;
        Map<String, Double> tiers = new HashMap<>();
        for (JsonNode t : routing.path("teams")) {
            escalations += t.path("escalations").asLong();
            t.path("tiers").fields().forEachRemaining(e -> tiers.merge(e.getKey(), e.getValue().asDouble(), Double::sum));
        }
        assertThat(escalations).as("REFUSE once, REFUSE TWICE").isGreaterThanOrEqualTo(3);
        assertThat(tiers.get("frontier")).isGreaterThanOrEqualTo(1);
        assertThat(number(text("routing-escalations"))).isEqualTo(escalations);
        Map<String, Double> chart = chartSums("chart-tiers");
        for (String tier : List.of("small", "mid", "frontier")) {
            assertThat(chart.get(tier)).as(tier).isEqualTo(tiers.get(tier));
        }
        assertThat(chartSums("chart-escalations").get("Escalations")).isEqualTo((double) escalations);
        assertThat(browser.evaluate("document.querySelectorAll('#policies .card').length").asInt())
                .isEqualTo(routing.path("teams").size());
        screenshot("05-routing");
        assertNoProblems("the routing page");
    }

    @Test
    @Order(5)
    void theLatencyPageShowsTheHistogramAndEachProvider() throws Exception {
        JsonNode latency = showAndAsk("latency", "/dashboard/api/latency");
        JsonNode gatewayAdds = latency.path("gateway");

        assertThat(gatewayAdds.path("count").asLong()).isPositive();
        assertThat(number(text("latency-count"))).isEqualTo(gatewayAdds.path("count").asDouble());
        assertThat(chartSums("chart-gateway-latency").get("Requests")).isEqualTo(gatewayAdds.path("count").asDouble());
        assertThat(browser.evaluate("Chart.getChart('chart-gateway-latency').data.labels.length").asInt())
                .isEqualTo(gatewayAdds.path("buckets").size());
        List<List<String>> providers = rows("latency-table");
        assertThat(providers).hasSize(latency.path("upstreams").size()).isNotEmpty();
        for (int i = 0; i < providers.size(); i++) {
            JsonNode u = latency.path("upstreams").get(i);
            assertThat(providers.get(i).get(0)).isEqualTo(u.path("provider").asText());
            assertThat(number(providers.get(i).get(1))).isEqualTo(u.path("count").asDouble());
        }
        screenshot("06-latency");
        assertNoProblems("the latency page");
    }

    @Test
    @Order(6)
    void theUpstreamsPageShowsBreakersAndTheRecentError() throws Exception {
        JsonNode upstreams = showAndAsk("upstreams", "/dashboard/api/upstreams");

        assertThat(upstreams.path("errors").size()).isGreaterThanOrEqualTo(1);
        assertThat(browser.evaluate("document.querySelectorAll('#breakers .tile').length").asInt())
                .isEqualTo(upstreams.path("breakers").size());
        long closed = 0;
        for (JsonNode b : upstreams.path("breakers")) {
            closed += b.path("state").asText().equals("closed") ? 1 : 0;
        }
        assertThat(number(text("breakers-closed"))).isEqualTo(closed);
        assertThat(number(text("errors-count"))).isEqualTo(upstreams.path("errors").size());
        List<List<String>> errors = rows("errors-table");
        assertThat(errors).hasSize(upstreams.path("errors").size());
        JsonNode newest = upstreams.path("errors").get(0);
        assertThat(errors.get(0).get(1)).isEqualTo(newest.path("provider").asText());
        assertThat(errors.get(0).get(3)).isEqualTo(newest.path("status").asText());
        assertThat(errors.get(0).get(7)).isEqualTo(newest.path("request_id").asText());
        assertThat(chartSums("chart-errors").values().stream().mapToDouble(Double::doubleValue).sum())
                .isEqualTo(upstreams.path("errors").size());
        screenshot("07-upstreams");
        assertNoProblems("the upstreams page");
    }

    @Test
    @Order(7)
    void theLiveTailShowsANewRequestWithinAFewSeconds() throws Exception {
        signIn();
        open("tail");

        HttpResponse<String> fresh = chat(TestGateway.KEY, "auto", "What is the capital of France?");
        String requestId = fresh.headers().firstValue("x-tiergate-request-id").orElseThrow();
        browser.waitFor("[...document.querySelectorAll('#tail-table tbody tr')].some(tr => tr.cells[2].textContent === "
                + jsString(requestId) + ")", Duration.ofSeconds(10));
        List<String> row = rows("tail-table").stream().filter(r -> r.get(2).equals(requestId)).findFirst().orElseThrow();
        assertThat(row.get(5)).isEqualTo("team-a");
        assertThat(row.get(8)).isEqualTo("hit");
        assertThat(String.join(" ", row)).doesNotContain("capital");
        assertThat(rows("tail-table")).as("the dashboard's own requests are not in the tail")
                .noneSatisfy(r -> assertThat(r.get(3)).contains("/dashboard"));
        screenshot("08-tail");
        assertNoProblems("the live tail");
    }

    @Test
    @Order(8)
    void signingOutEndsTheSession() throws Exception {
        signIn();
        // the view loads again and its answers reach the page only after the sign-out: they must not be drawn
        browser.evaluate("""
                window.heldAnswers = 0;
                const fetchNow = window.fetch;
                window.fetch = (url, init) => (init && init.method === 'POST') ? fetchNow(url, init)
                    : fetchNow(url, init).then(res => { window.heldAnswers++;
                        return new Promise(r => setTimeout(() => { window.heldAnswers--; r(res); }, 500)); });
                window.dispatchEvent(new HashChangeEvent('hashchange'));
                true""");
        browser.waitFor("window.heldAnswers > 0", WAIT);
        browser.evaluate("document.getElementById('logout').click(); true");
        browser.waitFor("document.body.dataset.view === 'login'", WAIT);
        browser.waitFor("window.heldAnswers === 0", WAIT);

        assertThat(text("spend-requests")).as("nothing shown stays in the page").isEqualTo("–");
        assertThat(rows("spend-table")).isEmpty();
        assertThat(browser.evaluate("Chart.getChart('chart-spend-team') === undefined").asBoolean()).isTrue();

        browser.navigate("about:blank");
        browser.navigate(page("#spend"));
        browser.waitFor("document.body.dataset.view === 'login'", WAIT);
        assertThat(visible("view-spend")).as("the session is gone on the gateway too").isFalse();
        assertThat(text("spend-requests")).isEqualTo("–");
    }
}
