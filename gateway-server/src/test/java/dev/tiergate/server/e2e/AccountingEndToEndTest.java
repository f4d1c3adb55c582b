package dev.tiergate.server.e2e;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.Message;
import dev.tiergate.core.tokens.TokenCounter;
import dev.tiergate.inference.tokens.JtokkitTokenCounter;
import dev.tiergate.server.accounting.RequestLog;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import net.logstash.logback.encoder.LogstashEncoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Cost, savings, the usage report, the request log and the metrics of known requests through the
 * real server (usage in a local file), and usage totals intact after a restart on the same file.
 */
class AccountingEndToEndTest {
    private static final String PROMPT = "What is the capital of France?";

    @TempDir
    Path dir;
    private WireMockServer upstream;
    private final ListAppender<ILoggingEvent> requestLog = new ListAppender<>();

    @BeforeEach
    void start() {
        upstream = new WireMockServer(wireMockConfig().dynamicPort());
        upstream.start();
        AccountingFixtures.stub(upstream);
        requestLog.start();
        ((Logger) LoggerFactory.getLogger(RequestLog.LOGGER)).addAppender(requestLog);
    }

    @AfterEach
    void stop() {
        ((Logger) LoggerFactory.getLogger(RequestLog.LOGGER)).detachAppender(requestLog);
        upstream.stop();
    }

    private TestGateway startGateway() throws InterruptedException {
        return TestGateway.start(AccountingFixtures.gatewayYaml(upstream.port(),
                "usage: {file: " + dir.resolve("usage.jsonl") + "}\n"), Map.of(),
                Map.of("teams/team-a.yaml", TestGateway.teamYaml("")));
    }

    @Test
    void knownRequestsArePricedExactlyAndTheirTotalsSurviveARestart() throws Exception {
        BigDecimal estimated;
        JsonNode before;
        try (TestGateway gateway = startGateway()) {
            OpenAIClient client = OpenAIOkHttpClient.builder().apiKey(TestGateway.KEY).baseUrl(gateway.baseUrl())
                    .maxRetries(0).build();

            // Plain, through the alias: 12 in, 11 out at gpt-4o-mini (0.15 / 0.60), baseline gpt-4o (2.50 / 10).
            ChatCompletionCreateParams plain = ChatCompletionCreateParams.builder().model("auto")
                    .addUserMessage(PROMPT).build();
            HttpResponseFor<ChatCompletion> first = client.chat().completions().withRawResponse().create(plain);
            assertThat(first.headers().values("x-tiergate-cost-usd")).containsExactly("0.0000084");
            assertThat(first.headers().values("x-tiergate-cache")).containsExactly("miss");
            String requestId = first.headers().values("x-tiergate-request-id").getFirst();

            // The same again: an exact-cache hit costs nothing and saves the original call's cost.
            HttpResponseFor<ChatCompletion> hit = client.chat().completions().withRawResponse().create(plain);
            assertThat(hit.headers().values("x-tiergate-cache")).containsExactly("hit");
            assertThat(hit.headers().values("x-tiergate-cost-usd")).containsExactly("0");

            // Streamed with include_usage: the provider's usage chunk.
            stream(client, "gpt-4o-mini", "Stream with usage", true);
            // Streamed without it: counted with jtokkit, marked estimated.
            stream(client, "gpt-4o-mini", AccountingFixtures.NO_USAGE_PROMPT, false);
            TokenCounter tokens = JtokkitTokenCounter.o200k();
            long in = tokens.prompt(ChatRequest.of("gpt-4o-mini", List.of(Message.user(AccountingFixtures.NO_USAGE_PROMPT))));
            long out = tokens.text(UpstreamFixtures.ANSWER_WORDS);
            estimated = new BigDecimal("0.15").multiply(BigDecimal.valueOf(in))
                    .add(new BigDecimal("0.60").multiply(BigDecimal.valueOf(out))).movePointLeft(6);

            // Cached input tokens: 976 * 2.50 + 1024 * 1.25 + 300 * 10 = 6720 per million.
            HttpResponseFor<ChatCompletion> cached = client.chat().completions().withRawResponse().create(
                    ChatCompletionCreateParams.builder().model("gpt-4o").addUserMessage(AccountingFixtures.CACHED_PROMPT)
                            .build());
            assertThat(cached.headers().values("x-tiergate-cost-usd")).containsExactly("0.00672");

            before = AccountingFixtures.usage(gateway, "", TestGateway.KEY);
            assertThat(before.at("/team").asText()).isEqualTo("team-a");
            assertThat(before.at("/totals/requests").asLong()).isEqualTo(5);
            assertThat(before.at("/totals/estimated_requests").asLong()).isEqualTo(1);
            assertThat(before.at("/totals/cached_tokens").asLong()).isEqualTo(1024);
            assertThat(before.at("/totals/cost_usd").decimalValue()).isEqualByComparingTo(
                    new BigDecimal("0.0000084").multiply(BigDecimal.TWO).add(estimated).add(new BigDecimal("0.00672")));
            // Routing saving: 12 * 2.5 + 11 * 10 = 140 per million at gpt-4o, less 8.4, for the first
            // call and again for the hit (its baseline is gpt-4o too); the hit saved in our cache what
            // the first call cost.
            assertThat(before.at("/savings/routing_usd").decimalValue()).isEqualByComparingTo("0.0002632");
            assertThat(before.at("/savings/cache_usd").decimalValue()).isEqualByComparingTo("0.0000084");
            assertThat(before.at("/totals/ledger/by_reason/exact_cache_usd").decimalValue()).isEqualByComparingTo("0.0000084");
            // gpt-4o's cached input: 1024 * (2.50 - 1.25) per million
            assertThat(before.at("/savings/prompt_cache_usd").decimalValue()).isEqualByComparingTo("0.00128");
            assertThat(before.at("/totals/ledger/actual_usd").decimalValue())
                    .isEqualByComparingTo(before.at("/totals/cost_usd").decimalValue());
            assertThat(row(before, "by_cache", "cache", "hit").at("/requests").asLong()).isEqualTo(1);
            assertThat(row(before, "by_model", "model", "gpt-4o").at("/cost_usd").decimalValue())
                    .isEqualByComparingTo("0.00672");
            assertThat(row(before, "by_tier", "tier", "small").at("/requests").asLong()).isEqualTo(2);

            List<String> lines = Files.readAllLines(dir.resolve("usage.jsonl"), StandardCharsets.UTF_8);
            assertThat(lines).hasSize(5);
            assertThat(lines).filteredOn(l -> l.contains("\"tokens_source\":\"estimated\"")).hasSize(1);
            assertThat(lines.getFirst()).contains("\"request_id\":\"" + requestId + "\"", "\"key_id\":\"key-a\"",
                    "\"requested_model\":\"auto\"", "\"model\":\"gpt-4o-mini\"", "\"baseline_model\":\"gpt-4o\"");

            assertRequestLogLine(requestId);
            assertMetrics(gateway);
        }
        try (TestGateway restarted = startGateway()) {
            JsonNode after = AccountingFixtures.usage(restarted, "", TestGateway.KEY);
            assertThat(after).isEqualTo(before);
            JsonNode admin = AccountingFixtures.usage(restarted, "", AccountingFixtures.ADMIN_KEY);
            assertThat(admin.at("/totals")).isEqualTo(before.at("/totals"));
            assertThat(admin.has("team")).isFalse();
        }
    }

    @Test
    void usageEndpointChecksKeysAndDates() throws Exception {
        try (TestGateway gateway = startGateway()) {
            assertThat(AccountingFixtures.get(gateway, "/v1/usage", null).statusCode()).isEqualTo(401);
            var otherTeam = AccountingFixtures.get(gateway, "/v1/usage?team=team-b", TestGateway.KEY);
            assertThat(otherTeam.statusCode()).isEqualTo(403);
            var badDate = AccountingFixtures.get(gateway, "/v1/usage?from=yesterday", TestGateway.KEY);
            assertThat(badDate.statusCode()).isEqualTo(400);
            assertThat(AccountingFixtures.json(badDate.body()).at("/error/param").asText()).isEqualTo("from");
            JsonNode empty = AccountingFixtures.usage(gateway, "?from=2025-01-01&to=2025-01-31&team=team-b",
                    AccountingFixtures.ADMIN_KEY);
            assertThat(empty.at("/totals/requests").asLong()).isZero();
            assertThat(empty.at("/team").asText()).isEqualTo("team-b");
        }
    }

    @Test
    void aStreamIsPricedFromTheProvidersUsageEvenWhenTheClientDidNotAskForIt() throws Exception {
        try (TestGateway gateway = startGateway()) {
            String body = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\","
                    + "\"content\":\"Stream, usage not asked for\"}]}";
            java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(gateway.uri("/v1/chat/completions"))
                            .header("Authorization", "Bearer " + TestGateway.KEY)
                            .header("Content-Type", "application/json")
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("data: [DONE]").doesNotContain("\"usage\":{")
                    .doesNotContain("\"choices\":[]");
            upstream.verify(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
                            com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo("/v1/chat/completions"))
                    .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath(
                            "$.stream_options.include_usage", com.github.tomakehurst.wiremock.client.WireMock.equalTo("true"))));
            JsonNode usage = AccountingFixtures.usage(gateway, "", TestGateway.KEY);
            assertThat(usage.at("/totals/requests").asLong()).isEqualTo(1);
            assertThat(usage.at("/totals/estimated_requests").asLong()).isZero();
        }
    }

    @Test
    void aLongPromptWithoutReportedUsageIsCountedExactly() throws Exception {
        String prompt = AccountingFixtures.NO_USAGE_PROMPT + " " + "many words of one long prompt ".repeat(700);
        try (TestGateway gateway = startGateway()) {
            OpenAIClient client = OpenAIOkHttpClient.builder().apiKey(TestGateway.KEY).baseUrl(gateway.baseUrl())
                    .maxRetries(0).build();
            stream(client, "gpt-4o-mini", prompt, false);
            long in = JtokkitTokenCounter.o200k().prompt(ChatRequest.of("gpt-4o-mini", List.of(Message.user(prompt))));
            Path usage = dir.resolve("usage.jsonl");
            long deadline = System.nanoTime() + 10_000_000_000L;
            while ((!Files.exists(usage) || Files.readAllLines(usage).isEmpty()) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            JsonNode line = AccountingFixtures.json(Files.readAllLines(usage, StandardCharsets.UTF_8).getFirst());
            assertThat(prompt.length()).as("longer than what is counted inline").isGreaterThan(16_384);
            assertThat(line.at("/tokens_source").asText()).isEqualTo("estimated");
            assertThat(line.at("/input_tokens").asLong()).isEqualTo(in);
        }
    }

    private static void stream(OpenAIClient client, String model, String prompt, boolean includeUsage) {
        ChatCompletionCreateParams.Builder params = ChatCompletionCreateParams.builder().model(model)
                .addUserMessage(prompt);
        if (includeUsage) {
            params.streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build());
        }
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params.build())) {
            assertThat(stream.stream().count()).isPositive();
        }
    }

    private void assertRequestLogLine(String requestId) {
        List<ILoggingEvent> logged;
        synchronized (requestLog) { // appends hold the appender's lock; an event loop may still be logging
            logged = List.copyOf(requestLog.list);
        }
        ILoggingEvent event = logged.stream()
                .filter(e -> e.getFormattedMessage().contains("/v1/chat/completions"))
                .filter(e -> new String(encode(e), StandardCharsets.UTF_8).contains(requestId))
                .findFirst().orElseThrow();
        JsonNode line = AccountingFixtures.json(new String(encode(event), StandardCharsets.UTF_8));
        assertThat(line.at("/request_id").asText()).isEqualTo(requestId);
        assertThat(line.at("/team").asText()).isEqualTo("team-a");
        assertThat(line.at("/key_id").asText()).isEqualTo("key-a");
        assertThat(line.at("/requested_model").asText()).isEqualTo("auto");
        assertThat(line.at("/model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(line.at("/provider").asText()).isEqualTo("up");
        assertThat(line.at("/tier").asText()).isEqualTo("small");
        assertThat(line.at("/cache").asText()).isEqualTo("miss");
        assertThat(line.at("/input_tokens").asLong()).isEqualTo(12);
        assertThat(line.at("/output_tokens").asLong()).isEqualTo(11);
        assertThat(line.at("/tokens_source").asText()).isEqualTo("provider");
        assertThat(line.at("/cost_usd").decimalValue()).isEqualByComparingTo("0.0000084");
        assertThat(line.at("/saving_reason").asText()).isEqualTo("routed");
        assertThat(line.at("/status").asInt()).isEqualTo(200);
        String text = line.toString();
        assertThat(text).doesNotContain(PROMPT, "Paris", TestGateway.KEY);
    }

    private static byte[] encode(ILoggingEvent event) {
        LogstashEncoder encoder = new LogstashEncoder();
        encoder.start();
        try {
            return encoder.encode(event);
        } finally {
            encoder.stop();
        }
    }

    private static void assertMetrics(TestGateway gateway) {
        var response = AccountingFixtures.get(gateway.managementUri("/metrics"), null);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type").orElse("")).startsWith("text/plain");
        PrometheusText metrics = PrometheusText.parse(response.body());

        assertThat(metrics.value("tiergate_requests_seconds_count", Map.of("route", "/v1/chat/completions",
                "team", "team-a", "model", "gpt-4o-mini", "provider", "up", "tier", "small", "cache", "miss",
                "status", "200"))).isEqualTo(1);
        assertThat(metrics.value("tiergate_requests_seconds_count", Map.of("cache", "hit", "status", "200")))
                .isEqualTo(1);
        assertThat(metrics.series("tiergate_requests_seconds_bucket")).isNotEmpty();
        assertThat(metrics.value("tiergate_tokens_total", Map.of("team", "team-a", "model", "gpt-4o",
                "type", "cached"))).isEqualTo(1024);
        assertThat(metrics.value("tiergate_cost_usd_total", Map.of("model", "gpt-4o"))).isEqualTo(0.00672);
        assertThat(metrics.value("tiergate_savings_usd_total", Map.of("reason", "cache_hit")))
                .isCloseTo(0.00014, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(metrics.value("tiergate_ledger_saved_usd_total", Map.of("team", "team-a", "reason", "exact_cache")))
                .isCloseTo(0.0000084, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(metrics.value("tiergate_ledger_saved_usd_total", Map.of("team", "team-a", "reason", "prompt_cache")))
                .isCloseTo(0.00128, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(metrics.value("tiergate_cache_hit_ratio", Map.of("team", "team-a"))).isEqualTo(0.2);
        assertThat(metrics.value("tiergate_upstream_attempts_seconds_count", Map.of("provider", "up",
                "model", "gpt-4o-mini", "outcome", "ok"))).isEqualTo(3);
        assertThat(metrics.value("tiergate_upstream_breaker_state", Map.of("provider", "up"))).isZero();
        assertThat(metrics.series("jvm_memory_used_bytes")).isNotEmpty();
        assertThat(metrics.series("netty_eventexecutor_tasks_pending")).isNotEmpty();
        assertThat(response.body()).doesNotContain(TestGateway.KEY, PROMPT, "Stream with usage");
    }

    private static JsonNode row(JsonNode report, String group, String field, String value) {
        for (JsonNode row : report.path(group)) {
            if (row.path(field).asText().equals(value)) {
                return row;
            }
        }
        throw new AssertionError("no " + field + "=" + value + " in " + report.path(group));
    }
}
