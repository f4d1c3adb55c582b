package dev.tiergate.core.accounting;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiergate.core.config.ModelConfig;
import dev.tiergate.core.config.Pricing;
import dev.tiergate.core.model.Usage;
import dev.tiergate.core.pipeline.CacheOutcome;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AccountantTest {
    private static final Instant NOW = Instant.parse("2025-08-14T10:15:30Z");
    private final Accountant accountant = new Accountant(Map.of(
            "gpt-4o-mini", model("gpt-4o-mini", "0.15", "0.60", "0.075"),
            "gpt-4o", model("gpt-4o", "2.50", "10.00", "1.25"),
            "claude", model("claude", "3", "15", "0.30")));

    @Test
    void plainRequestCostsInputAndOutputAtTheAnsweringModelsPrice() {
        UsageRecord r = accountant.account(answered("gpt-4o-mini", "gpt-4o-mini", CacheOutcome.MISS,
                TokenCounts.fromUsage(Usage.of(12, 11))));
        // 12 * 0.15 + 11 * 0.60 = 8.4 USD per million tokens
        assertThat(r.costUsd()).isEqualByComparingTo("0.0000084");
        assertThat(r.savingUsd()).isEqualByComparingTo("0");
        assertThat(r.savingReason()).isEqualTo(SavingReason.NONE);
        assertThat(r.tokensSource()).isEqualTo(TokensSource.PROVIDER);
    }

    @Test
    void cachedInputTokensArePricedAtTheCachedInputPrice() {
        var details = JsonNodeFactory.instance.objectNode().put("cached_tokens", 1024);
        Usage usage = new Usage(2000, 300, 2300, Map.of("prompt_tokens_details", details));
        UsageRecord r = accountant.account(answered("gpt-4o", "gpt-4o", null, TokenCounts.fromUsage(usage)));
        // 976 * 2.50 + 1024 * 1.25 + 300 * 10 = 2440 + 1280 + 3000 = 6720 per million
        assertThat(r.costUsd()).isEqualByComparingTo("0.00672");
        assertThat(r.cachedTokens()).isEqualTo(1024);
    }

    @Test
    void aCacheHitCostsNothingAndSavesWhatTheOriginalCallCost() {
        UsageRecord r = accountant.account(answered("auto", "gpt-4o", CacheOutcome.HIT,
                TokenCounts.fromUsage(Usage.of(1000, 500))));
        assertThat(r.costUsd()).isEqualByComparingTo("0");
        // 1000 * 2.5 + 500 * 10 = 7500 per million
        assertThat(r.savingUsd()).isEqualByComparingTo("0.0075");
        assertThat(r.savingReason()).isEqualTo(SavingReason.CACHE_HIT);
        assertThat(r.baselineModel()).isEqualTo("gpt-4o");
        assertThat(r.cache()).isEqualTo("hit");
    }

    @Test
    void aRoutedRequestSavesThePriceDifferenceToTheBaseline() {
        UsageRecord r = accountant.account(answered("gpt-4o", "gpt-4o-mini", CacheOutcome.MISS,
                TokenCounts.fromUsage(Usage.of(1_000_000, 100_000))));
        assertThat(r.costUsd()).isEqualByComparingTo("0.21");
        // gpt-4o: 2.5 + 1.0 = 3.5; saved 3.29
        assertThat(r.savingUsd()).isEqualByComparingTo("3.29");
        assertThat(r.savingReason()).isEqualTo(SavingReason.ROUTED);
    }

    @Test
    void aDearerAnsweringModelIsANegativeSaving() {
        UsageRecord r = accountant.account(answered("gpt-4o", "claude", CacheOutcome.MISS,
                TokenCounts.fromUsage(Usage.of(1_000_000, 0))));
        assertThat(r.savingUsd()).isEqualByComparingTo("-0.5");
    }

    @Test
    void unknownModelsCostNothing() {
        UsageRecord r = accountant.account(answered(null, "local-llama", null, TokenCounts.estimated(10, 10)));
        assertThat(r.costUsd()).isEqualByComparingTo("0");
        assertThat(r.tokensSource()).isEqualTo(TokensSource.ESTIMATED);
    }

    @Test
    void recordsRoundTripThroughJson() {
        UsageRecord r = accountant.account(answered("gpt-4o", "gpt-4o-mini", CacheOutcome.MISS,
                TokenCounts.fromUsage(Usage.of(12, 11))));
        String json = UsageJson.write(r);
        assertThat(json).contains("\"timestamp\":\"2025-08-14T10:15:30Z\"", "\"cost_usd\":0.0000084",
                "\"tokens_source\":\"provider\"", "\"saving_reason\":\"routed\"", "\"key_id\":\"key-1\"");
        assertThat(UsageJson.read(json)).isEqualTo(r);
    }

    @Test
    void nanosRoundTrip() {
        assertThat(Costs.toNanos(new BigDecimal("0.0000084"))).isEqualTo(8400);
        assertThat(Costs.fromNanos(8400)).isEqualByComparingTo("0.0000084");
        assertThat(Costs.fromNanos(3_000_000_000L).toPlainString()).isEqualTo("3");
    }

    private static AnsweredRequest answered(String baseline, String model, CacheOutcome cache, TokenCounts tokens) {
        return new AnsweredRequest("req_1", NOW, "team-a", "key-1", baseline == null ? model : baseline, baseline,
                "openai", model, null, cache, false, UsageRecord.COMPLETE, tokens);
    }

    private static ModelConfig model(String name, String input, String output, String cached) {
        return new ModelConfig(name, "openai", name, ModelConfig.CHAT,
                new Pricing(new BigDecimal(input), new BigDecimal(output), new BigDecimal(cached)));
    }
}
