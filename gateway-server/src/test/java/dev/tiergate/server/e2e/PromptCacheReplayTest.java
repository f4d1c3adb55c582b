package dev.tiergate.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The prompt-cache replay: a recorded 20-request agent conversation (fixture
 * {@code fixtures/prompt-cache/agent-trace.json}, written by {@code bench/prompt-cache/make-trace.py}:
 * a ~3,000-token system prompt, 10 tools) played through the gateway against mock Anthropic and
 * OpenAI upstreams that cache prompt prefixes as documented, requests alternately plain and
 * streamed. Anthropic is replayed by a team with automatic breakpoints and by one without; OpenAI by
 * the team that sends {@code prompt_cache_key}. Prints each replay's figures and its ledger from
 * {@code /v1/usage} ({@code bench/prompt-cache-replay.sh} runs it).
 */
class PromptCacheReplayTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String CACHED_KEY = "sk-team-cached";
    private static final String PLAIN_KEY = "sk-team-plain";
    /** Claude Sonnet 4.5's list prices, USD per million tokens: input, output, cache read, 5-minute write. */
    private static final BigDecimal IN = new BigDecimal("3");
    private static final BigDecimal OUT = new BigDecimal("15");
    private static final BigDecimal READ = new BigDecimal("0.30");
    private static final BigDecimal WRITE = new BigDecimal("3.75");
    /** GPT-4o's list prices: input, output, cached input. */
    private static final BigDecimal GPT_IN = new BigDecimal("2.50");
    private static final BigDecimal GPT_OUT = new BigDecimal("10");
    private static final BigDecimal GPT_CACHED = new BigDecimal("1.25");

    private static MockAnthropicCacheUpstream anthropic;
    private static MockOpenAiCacheUpstream openai;
    private static TestGateway gateway;
    private static JsonNode trace;

    @BeforeAll
    static void start() throws Exception {
        anthropic = new MockAnthropicCacheUpstream();
        openai = new MockOpenAiCacheUpstream();
        String yaml = """
                server: {host: 127.0.0.1, request-timeout-seconds: 30}
                providers:
                  anth: {type: anthropic, base-url: "http://127.0.0.1:%d/v1", api-key: sk-ant-mock}
                  oai: {type: openai, base-url: "http://127.0.0.1:%d/v1", api-key: sk-oai-mock, options: {prompt-cache-key: "true"}}
                models:
                  sonnet: {provider: anth, upstream-model: claude-sonnet-4-5}
                  gpt-4o: {provider: oai}
                """.formatted(anthropic.port(), openai.port());
        gateway = TestGateway.start(yaml, Map.of(), Map.of(
                "teams/cached.yaml", team("cached", CACHED_KEY, ""),
                "teams/plain.yaml", team("plain", PLAIN_KEY,
                        "prompt-cache: {auto-breakpoints: false, cache-key: false, prefix-affinity: false}\n")));
        try (InputStream in = PromptCacheReplayTest.class.getResourceAsStream("/fixtures/prompt-cache/agent-trace.json")) {
            trace = JSON.readTree(in);
        }
    }

    @AfterAll
    static void stop() {
        gateway.close();
        anthropic.close();
        openai.close();
    }

    private static String team(String id, String key, String extra) {
        return "id: " + id + "\nkeys:\n  - id: key-" + id + "\n    sha256: " + TestGateway.sha256Hex(key)
                + "\nallowed-models: [\"*\"]\n" + extra;
    }

    /** What one replay cost: the gateway's price of each request and the usage the upstream reported. */
    record Replay(List<BigDecimal> costs, List<MockUpstream.Reported> reported) {
        BigDecimal total() {
            return costs.stream().reduce(BigDecimal.ZERO, BigDecimal::add);
        }

        long input() {
            return reported.stream().mapToLong(MockUpstream.Reported::input).sum();
        }

        long cacheRead() {
            return reported.stream().mapToLong(MockUpstream.Reported::cacheRead).sum();
        }

        long cacheWrite() {
            return reported.stream().mapToLong(MockUpstream.Reported::cacheWrite).sum();
        }
    }

    private static Replay replay(MockUpstream upstream, String model, String key) throws Exception {
        upstream.clear();
        List<BigDecimal> costs = new ArrayList<>();
        ArrayNode messages = JSON.createArrayNode();
        messages.addObject().put("role", "system").put("content", trace.get("system").asText());
        JsonNode turns = trace.get("turns");
        for (int i = 0; i < turns.size(); i++) {
            turns.get(i).get("append").forEach(messages::add);
            ObjectNode body = JSON.createObjectNode().put("model", model);
            body.set("messages", messages);
            body.set("tools", trace.get("tools"));
            boolean stream = i % 2 == 1;
            if (stream) {
                body.put("stream", true);
                body.putObject("stream_options").put("include_usage", true);
            }
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(gateway.uri("/v1/chat/completions"))
                    .header("authorization", "Bearer " + key).header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("request %d: %s", i, response.body()).isEqualTo(200);
            costs.add(stream ? streamedCost(response.body())
                    : new BigDecimal(response.headers().firstValue("x-tiergate-cost-usd").orElseThrow()));
        }
        return new Replay(costs, upstream.reported());
    }

    /** {@code usage.cost_usd} of the usage chunk of a stream whose client asked for usage. */
    private static BigDecimal streamedCost(String sse) throws IOException {
        for (String line : sse.split("\n")) {
            if (line.startsWith("data: {") && line.contains("\"cost_usd\"")) {
                return JSON.readTree(line.substring(6)).path("usage").get("cost_usd").decimalValue();
            }
        }
        throw new AssertionError("no usage chunk with cost_usd in " + sse);
    }

    /** The price of one request from the usage the upstream reported, at list prices. */
    private static BigDecimal byHand(MockUpstream.Reported u, BigDecimal in, BigDecimal read, BigDecimal write,
                                     BigDecimal out) {
        return BigDecimal.valueOf(u.uncachedInput()).multiply(in).add(BigDecimal.valueOf(u.cacheRead()).multiply(read))
                .add(BigDecimal.valueOf(u.cacheWrite()).multiply(write)).add(BigDecimal.valueOf(u.output()).multiply(out))
                .movePointLeft(6);
    }

    /** Asserts each request's price within 0.1% of the hand computation; returns the largest relative difference. */
    private static double assertEachWithinATenthOfAPercent(Replay replay, BigDecimal in, BigDecimal read,
                                                           BigDecimal write, BigDecimal out) {
        assertThat(replay.costs()).hasSameSizeAs(replay.reported());
        double largest = 0;
        for (int i = 0; i < replay.costs().size(); i++) {
            BigDecimal hand = byHand(replay.reported().get(i), in, read, write, out);
            BigDecimal priced = replay.costs().get(i);
            double difference = priced.subtract(hand).abs().divide(hand, MathContext.DECIMAL64).doubleValue();
            assertThat(difference).as("request %d: priced %s, by hand %s", i, priced, hand).isLessThanOrEqualTo(0.001);
            largest = Math.max(largest, difference);
        }
        return largest;
    }

    @Test
    void automaticBreakpointsBillMostInputAtTheCacheReadPriceAndHalveTheCost() throws Exception {
        Replay without = replay(anthropic, "sonnet", PLAIN_KEY);
        Replay with = replay(anthropic, "sonnet", CACHED_KEY);
        Replay gpt = replay(openai, "gpt-4o", CACHED_KEY);

        double largest = Math.max(assertEachWithinATenthOfAPercent(without, IN, READ, WRITE, OUT),
                Math.max(assertEachWithinATenthOfAPercent(with, IN, READ, WRITE, OUT),
                        assertEachWithinATenthOfAPercent(gpt, GPT_IN, GPT_CACHED, GPT_IN, GPT_OUT)));
        assertThat(without.cacheRead() + without.cacheWrite()).as("no breakpoints, no caching").isZero();
        assertThat(without.reported().getFirst().request().toString()).doesNotContain("cache_control");
        assertThat(with.reported().getFirst().request().toString()).contains("cache_control");
        assertThat(openai.keysSeen).singleElement().satisfies(k -> assertThat(k).startsWith("tg-cached-"));

        double readShare = with.cacheRead() / (double) with.input();
        double saving = 1 - with.total().doubleValue() / without.total().doubleValue();
        double gptReadShare = gpt.cacheRead() / (double) gpt.input();
        System.out.printf("%nprompt-cache replay: %d requests, %d input tokens (%d without breakpoints); "
                + "largest difference of a request's price from the hand computation: %.6f%%%n", with.costs().size(),
                with.input(), without.input(), 100 * largest);
        System.out.printf("  anthropic without breakpoints: cost %s USD%n", without.total());
        System.out.printf("  anthropic with breakpoints:    cost %s USD, %.1f%% of input at the cache-read price, "
                + "%d tokens written, %.1f%% cheaper%n", with.total(), 100 * readShare, with.cacheWrite(), 100 * saving);
        System.out.printf("  openai with prompt_cache_key:  cost %s USD, %.1f%% of input cached%n", gpt.total(),
                100 * gptReadShare);

        JsonNode cached = AccountingFixtures.usage(gateway, "", CACHED_KEY);
        JsonNode plain = AccountingFixtures.usage(gateway, "", PLAIN_KEY);
        System.out.println("  ledger of team cached: " + cached.at("/totals/ledger").toPrettyString());
        System.out.println("  ledger of team plain:  " + plain.at("/totals/ledger").toPrettyString());

        assertThat(readShare).as("input tokens billed at the cache-read price").isGreaterThanOrEqualTo(0.60);
        assertThat(saving).as("cost below the replay without breakpoints").isGreaterThanOrEqualTo(0.50);
        assertThat(gptReadShare).isGreaterThan(0.5);

        JsonNode ledger = cached.at("/totals/ledger");
        BigDecimal reasons = BigDecimal.ZERO;
        for (JsonNode reason : ledger.get("by_reason")) {
            reasons = reasons.add(reason.decimalValue());
        }
        assertThat(reasons).isEqualByComparingTo(ledger.get("baseline_usd").decimalValue()
                .subtract(ledger.get("actual_usd").decimalValue()));
        assertThat(ledger.get("actual_usd").decimalValue()).isEqualByComparingTo(with.total().add(gpt.total()));
        assertThat(ledger.at("/by_reason/prompt_cache_usd").decimalValue())
                .isEqualByComparingTo(ledger.get("saving_usd").decimalValue()).isPositive();
        // the team without breakpoints paid its baseline: nothing saved
        assertThat(plain.at("/totals/ledger/saving_usd").decimalValue()).isEqualByComparingTo("0");
        assertThat(plain.at("/totals/ledger/actual_usd").decimalValue()).isEqualByComparingTo(without.total());
        // the baseline of either team is the same prompts at full price
        assertThat(cached.at("/by_model").toString()).contains("sonnet");
        assertThat(plain.at("/totals/ledger/baseline_usd").decimalValue().doubleValue())
                .isCloseTo(byModelBaseline(cached, "sonnet").doubleValue(), within(0.01));
    }

    private static BigDecimal byModelBaseline(JsonNode report, String model) {
        for (JsonNode row : report.get("by_model")) {
            if (row.get("model").asText().equals(model)) {
                return row.at("/ledger/baseline_usd").decimalValue();
            }
        }
        throw new AssertionError("no row for " + model);
    }
}
