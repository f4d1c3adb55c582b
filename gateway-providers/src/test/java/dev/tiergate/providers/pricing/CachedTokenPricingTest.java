package dev.tiergate.providers.pricing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.tiergate.providers.testing.Outcomes.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.tiergate.core.accounting.Costs;
import dev.tiergate.core.accounting.TokenCounts;
import dev.tiergate.core.config.ModelConfig;
import dev.tiergate.core.config.Pricing;
import dev.tiergate.core.config.ProviderConfig;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.Message;
import dev.tiergate.core.model.Usage;
import dev.tiergate.core.provider.ProviderAdapter;
import dev.tiergate.core.provider.ProviderCall;
import dev.tiergate.providers.anthropic.AnthropicAdapter;
import dev.tiergate.providers.gemini.GeminiAdapter;
import dev.tiergate.providers.openai.OpenAiAdapter;
import dev.tiergate.providers.testing.EventLoopExtension;
import dev.tiergate.providers.testing.Fixtures;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Cached tokens priced exactly, plain and streamed, for each provider: the adapter reads the
 * provider's usage (OpenAI {@code prompt_tokens_details.cached_tokens}, Anthropic
 * {@code cache_read_input_tokens} and {@code cache_creation_input_tokens} split by lifetime, Gemini
 * {@code cachedContentTokenCount}) into our usage, and the cost is compared with a hand computation
 * from the fixture's numbers.
 */
class CachedTokenPricingTest {
    @RegisterExtension
    static final EventLoopExtension LOOP = new EventLoopExtension();

    @RegisterExtension
    static final WireMockExtension WM = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    /** Claude Sonnet 4.5: input 3, output 15, cache read 0.30, 5-minute write 3.75, 1-hour write 6. */
    private static final Pricing SONNET = new Pricing(new BigDecimal("3"), new BigDecimal("15"), new BigDecimal("0.30"),
            new BigDecimal("3.75"), new BigDecimal("6"));
    /** GPT-4o: input 2.50, output 10, cached input 1.25. */
    private static final Pricing GPT_4O = new Pricing(new BigDecimal("2.50"), new BigDecimal("10"), new BigDecimal("1.25"));
    /** Gemini 2.5 Flash: input 0.30, output 2.50, cached input 0.075. */
    private static final Pricing FLASH = new Pricing(new BigDecimal("0.30"), new BigDecimal("2.50"), new BigDecimal("0.075"));

    // fixtures anthropic/cache-usage.*: 150 uncached, 3200 read, 2000 written for 5 minutes, 600 for an hour, 40 out
    private static final BigDecimal ANTHROPIC_BY_HAND = new BigDecimal(150 * 3 + 40 * 15)
            .add(new BigDecimal("3200").multiply(new BigDecimal("0.30")))
            .add(new BigDecimal("2000").multiply(new BigDecimal("3.75")))
            .add(new BigDecimal(600 * 6)).movePointLeft(6);
    // fixtures openai/cached*: 5950 prompt of which 5888 cached, 40 out
    private static final BigDecimal OPENAI_BY_HAND = new BigDecimal("62").multiply(new BigDecimal("2.50"))
            .add(new BigDecimal("5888").multiply(new BigDecimal("1.25"))).add(new BigDecimal(400)).movePointLeft(6);
    // fixtures gemini/cached.*: 5950 prompt of which 4096 cached, 30 candidates + 10 thoughts out
    private static final BigDecimal GEMINI_BY_HAND = new BigDecimal("1854").multiply(new BigDecimal("0.30"))
            .add(new BigDecimal("4096").multiply(new BigDecimal("0.075")))
            .add(new BigDecimal("40").multiply(new BigDecimal("2.50"))).movePointLeft(6);

    private static ProviderConfig config(String type, String path) {
        return new ProviderConfig(type, type, URI.create(WM.baseUrl() + path), "key", Duration.ofSeconds(2),
                Duration.ofSeconds(5), 8, Map.of(), Map.of());
    }

    private static ProviderCall call(String model, String upstream) {
        return new ProviderCall("req-1", ChatRequest.of(upstream, List.of(Message.user("Go on"))),
                new ModelConfig(model, model, upstream, ModelConfig.CHAT, null), LOOP.next());
    }

    private static void stub(String url, String provider, String fixture) {
        WM.stubFor(post(urlEqualTo(url)).willReturn(aResponse().withBody(Fixtures.read(provider, fixture))));
    }

    private static BigDecimal streamedCost(ProviderAdapter adapter, ProviderCall call, Pricing pricing) {
        List<ChatChunk> chunks = adapter.chatStream(call).collectList().block(Duration.ofSeconds(10));
        Usage usage = chunks.stream().map(ChatChunk::usage).filter(u -> u != null).reduce((a, b) -> b).orElseThrow();
        return Costs.usd(TokenCounts.fromUsage(usage), pricing);
    }

    private static BigDecimal plainCost(ProviderAdapter adapter, ProviderCall call, Pricing pricing) throws Exception {
        return Costs.usd(TokenCounts.fromUsage(await(adapter.chat(call)).usage()), pricing);
    }

    @Test
    void anthropicCacheReadsAndBothWritePricesPlainAndStreamed() throws Exception {
        assertThat(ANTHROPIC_BY_HAND).isEqualByComparingTo("0.01311");
        try (AnthropicAdapter adapter = new AnthropicAdapter(config("anthropic", "/v1"))) {
            ProviderCall call = call("anthropic", "claude-sonnet-4-5");
            stub("/v1/messages", "anthropic", "cache-usage.json");
            TokenCounts plain = TokenCounts.fromUsage(await(adapter.chat(call)).usage());
            assertThat(plain).isEqualTo(new TokenCounts(5950, 40, 3200, 2000, 600, plain.source()));
            assertPlainAndStreamed(adapter, call, "anthropic", "/v1/messages", "cache-usage.json", "/v1/messages",
                    "cache-usage.sse", SONNET, ANTHROPIC_BY_HAND);
        }
    }

    @Test
    void anthropicWritesWithoutALifetimeSplitAreFiveMinuteWrites() {
        Usage usage = new Usage(1000, 10, 1010, Map.of("prompt_tokens_details",
                dev.tiergate.core.json.Json.mapper().createObjectNode().put("cached_tokens", 0)
                        .put(Usage.CACHE_WRITE_TOKENS, 900)));
        TokenCounts tokens = TokenCounts.fromUsage(usage);
        assertThat(tokens.cacheWrite()).isEqualTo(900);
        assertThat(tokens.cacheWrite1h()).isZero();
        assertThat(Costs.usd(tokens, SONNET)).isEqualByComparingTo(new BigDecimal(100 * 3 + 150)
                .add(new BigDecimal("900").multiply(new BigDecimal("3.75"))).movePointLeft(6));
    }

    /** The plain answer's cost from {@code plainFixture} at {@code plainUrl}, then the stream's. */
    private static void assertPlainAndStreamed(ProviderAdapter adapter, ProviderCall call, String provider,
                                               String plainUrl, String plainFixture, String streamUrl,
                                               String streamFixture, Pricing pricing, BigDecimal byHand) throws Exception {
        stub(plainUrl, provider, plainFixture);
        assertThat(plainCost(adapter, call, pricing)).isEqualByComparingTo(byHand);
        stub(streamUrl, provider, streamFixture);
        assertThat(streamedCost(adapter, call, pricing)).isEqualByComparingTo(byHand);
    }

    @Test
    void openAiCachedTokensPlainAndStreamed() throws Exception {
        assertThat(OPENAI_BY_HAND).isEqualByComparingTo("0.007915");
        try (OpenAiAdapter adapter = new OpenAiAdapter(config("openai", "/v1"))) {
            assertPlainAndStreamed(adapter, call("openai", "gpt-4o"), "openai", "/v1/chat/completions",
                    "cached-completion.json", "/v1/chat/completions", "cached.sse", GPT_4O, OPENAI_BY_HAND);
        }
    }

    @Test
    void geminiCachedContentPlainAndStreamed() throws Exception {
        assertThat(GEMINI_BY_HAND).isEqualByComparingTo("0.0009634");
        try (GeminiAdapter adapter = new GeminiAdapter(config("gemini", "/v1beta"))) {
            assertPlainAndStreamed(adapter, call("gemini", "gemini-2.5-flash"), "gemini",
                    "/v1beta/models/gemini-2.5-flash:generateContent", "cached.json",
                    "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", "cached.sse", FLASH, GEMINI_BY_HAND);
        }
    }

    @Test
    void writesAreNeverCountedTwiceWhenTheyExceedTheInput() {
        TokenCounts clipped = new TokenCounts(100, 0, 80, 50, 50, TokenCounts.estimated(0, 0).source());
        assertThat(clipped.cachedInput() + clipped.cacheWrites()).isEqualTo(100);
        assertThat(clipped.uncachedInput()).isZero();
        Function<TokenCounts, BigDecimal> atSonnet = t -> Costs.usd(t, SONNET);
        assertThat(atSonnet.apply(clipped)).isEqualByComparingTo(new BigDecimal("80").multiply(new BigDecimal("0.30"))
                .add(new BigDecimal("20").multiply(new BigDecimal("3.75"))).movePointLeft(6));
    }
}
