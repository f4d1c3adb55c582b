package dev.tiergate.core.accounting;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tiergate.core.config.ModelConfig;
import dev.tiergate.core.config.Pricing;
import dev.tiergate.core.pipeline.CacheOutcome;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The savings ledger: baseline, actual and the saving by reason, which sum exactly. */
class SavingsLedgerTest {
    private static final Instant NOW = Instant.parse("2025-08-14T10:15:30Z");
    private final Accountant accountant = new Accountant(Map.of(
            "gpt-4o", model("gpt-4o", new Pricing(usd("2.50"), usd("10"), usd("1.25"))),
            "gpt-4o-mini", model("gpt-4o-mini", new Pricing(usd("0.15"), usd("0.60"), usd("0.075"))),
            "sonnet", model("sonnet", new Pricing(usd("3"), usd("15"), usd("0.30"), usd("3.75"), usd("6"))),
            // a price whose cache prices have five decimals: costs that are not whole nano-dollars
            "odd", model("odd", new Pricing(usd("0.075"), usd("0.3"), usd("0.01875"), usd("0.09375"), usd("0.15")))));

    @Test
    void aRoutedAnswerWithCachedInputSplitsItsSavingIntoRoutingAndPromptCache() {
        UsageRecord r = accountant.account(answered("gpt-4o", "gpt-4o-mini", CacheOutcome.MISS,
                new TokenCounts(2000, 300, 1024, TokensSource.PROVIDER), UsageRecord.COMPLETE));
        SavingsLedger l = r.ledger();
        // baseline: 2000 * 2.50 + 300 * 10 = 8000 per million
        assertThat(Costs.fromNanos(l.baselineNanos())).isEqualByComparingTo("0.008");
        // gpt-4o-mini undiscounted: 2000 * 0.15 + 300 * 0.60 = 480; billed: 976 * 0.15 + 1024 * 0.075 + 180 = 403.2
        assertThat(Costs.fromNanos(l.routingNanos())).isEqualByComparingTo("0.00752");
        assertThat(Costs.fromNanos(l.promptCacheNanos())).isEqualByComparingTo("0.0000768");
        assertThat(r.costUsd()).isEqualByComparingTo("0.0004032");
        assertThat(r.savingUsd()).isEqualByComparingTo("0.0075968");
        assertThat(l.savingNanos()).isEqualTo(l.baselineNanos() - r.costNanos());
        assertThat(r.savingReason()).isEqualTo(SavingReason.ROUTED);
    }

    @Test
    void cacheWritesThatCostMoreThanReadsSavedAreANegativePromptCacheSaving() {
        UsageRecord first = accountant.account(answered("sonnet", "sonnet", CacheOutcome.MISS,
                new TokenCounts(4000, 100, 0, 3900, 0, TokensSource.PROVIDER), UsageRecord.COMPLETE));
        // 100 * 3 + 3900 * 3.75 + 100 * 15 = 16425 against 4000 * 3 + 1500 = 13500
        assertThat(first.costUsd()).isEqualByComparingTo("0.016425");
        assertThat(Costs.fromNanos(first.ledger().promptCacheNanos())).isEqualByComparingTo("-0.002925");
        assertThat(first.ledger().routingNanos()).isZero();
        assertThat(first.cacheWriteTokens()).isEqualTo(3900);

        UsageRecord next = accountant.account(answered("sonnet", "sonnet", CacheOutcome.MISS,
                new TokenCounts(4100, 100, 3900, 100, 0, TokensSource.PROVIDER), UsageRecord.COMPLETE));
        // 100 * 3 + 3900 * 0.30 + 100 * 3.75 + 1500 = 3345 against 4100 * 3 + 1500 = 13800
        assertThat(Costs.fromNanos(next.ledger().promptCacheNanos())).isEqualByComparingTo("0.010455");
    }

    @Test
    void cacheHitsSaveTheWholeBaselineSplitAsTheOriginalCallsSavingAndItsCost() {
        TokenCounts tokens = new TokenCounts(1000, 500, 400, TokensSource.PROVIDER);
        SavingsLedger exact = accountant.account(answered("gpt-4o", "gpt-4o-mini", CacheOutcome.HIT, tokens,
                UsageRecord.COMPLETE)).ledger();
        SavingsLedger semantic = accountant.account(answered("gpt-4o", "gpt-4o-mini", CacheOutcome.SEMANTIC_HIT, tokens,
                UsageRecord.COMPLETE)).ledger();
        // baseline at gpt-4o: 1000 * 2.5 + 500 * 10 = 7500; gpt-4o-mini undiscounted: 150 + 300 = 450;
        // the original call: 600 * 0.15 + 400 * 0.075 + 300 = 420
        assertThat(Costs.fromNanos(exact.baselineNanos())).isEqualByComparingTo("0.0075");
        assertThat(Costs.fromNanos(exact.exactCacheNanos())).isEqualByComparingTo("0.00042");
        assertThat(Costs.fromNanos(exact.routingNanos())).isEqualByComparingTo("0.00705");
        assertThat(Costs.fromNanos(exact.promptCacheNanos())).isEqualByComparingTo("0.00003");
        assertThat(exact.semanticCacheNanos()).isZero();
        assertThat(exact.actualNanos()).isZero();
        assertThat(Costs.fromNanos(semantic.semanticCacheNanos())).isEqualByComparingTo("0.00042");
        assertThat(semantic.exactCacheNanos()).isZero();
        assertThat(semantic.actualNanos()).isZero();
    }

    @Test
    void escalationsShadowChecksAndFailedAttemptsAreSpendWithoutABaseline() {
        TokenCounts tokens = new TokenCounts(1000, 100, 0, TokensSource.PROVIDER);
        UsageRecord escalated = accountant.account(answered("gpt-4o", "gpt-4o-mini", CacheOutcome.MISS, tokens,
                UsageRecord.ESCALATED));
        assertThat(escalated.ledger().baselineNanos()).isZero();
        assertThat(escalated.ledger().escalationNanos()).isEqualTo(-escalated.costNanos()).isNegative();
        assertThat(escalated.savingReason()).isEqualTo(SavingReason.ESCALATION);

        UsageRecord shadow = accountant.account(answered("gpt-4o", "gpt-4o", CacheOutcome.MISS, tokens,
                UsageRecord.COMPLETE)).asShadowCheck();
        assertThat(shadow.ledger().baselineNanos()).isZero();
        assertThat(shadow.ledger().shadowCheckNanos()).isEqualTo(-shadow.costNanos());
        assertThat(shadow.savingUsd()).isEqualByComparingTo(Costs.fromNanos(-shadow.costNanos()));

        UsageRecord discarded = accountant.account(answered("gpt-4o", "gpt-4o", CacheOutcome.MISS, tokens, "discarded"));
        assertThat(discarded.ledger().failedAttemptsNanos()).isEqualTo(-discarded.costNanos());
        assertThat(discarded.ledger().baselineNanos()).isZero();
    }

    @Test
    void everyRecordAndEveryReportReconcilesToTheNanoDollar() {
        Random random = new Random(23);
        List<String> models = List.of("gpt-4o", "gpt-4o-mini", "sonnet", "odd");
        List<CacheOutcome> caches = List.of(CacheOutcome.MISS, CacheOutcome.HIT, CacheOutcome.SEMANTIC_HIT);
        List<String> outcomes = List.of(UsageRecord.COMPLETE, UsageRecord.COMPLETE, UsageRecord.ESCALATED, "discarded");
        UsageAggregates aggregates = new UsageAggregates();
        long actual = 0;
        for (int i = 0; i < 5000; i++) {
            long input = random.nextInt(200_000);
            long cached = random.nextInt((int) input + 1);
            long writes = random.nextInt((int) (input - cached) + 1);
            long writes1h = random.nextInt((int) (input - cached - writes) + 1);
            TokenCounts tokens = new TokenCounts(input, random.nextInt(5000), cached, writes, writes1h,
                    TokensSource.PROVIDER);
            UsageRecord r = accountant.account(new AnsweredRequest("r" + i, NOW, "team-" + random.nextInt(3), "k",
                    "gpt-4o", models.get(random.nextInt(4)), "p", models.get(random.nextInt(4)), null,
                    caches.get(random.nextInt(3)), false, outcomes.get(random.nextInt(4)), tokens));
            if (random.nextInt(10) == 0) {
                r = r.asShadowCheck();
            }
            assertThat(r.ledger().savingNanos()).isEqualTo(r.ledger().baselineNanos() - r.costNanos());
            assertThat(r.savingNanos()).isEqualTo(r.ledger().savingNanos());
            UsageRecord reread = UsageJson.read(UsageJson.write(r));
            assertThat(reread).isEqualTo(r);
            aggregates.add(reread);
            actual += r.costNanos();
        }
        UsageQuery query = new UsageQuery(LocalDate.parse("2025-08-01"), LocalDate.parse("2025-08-31"), null);
        UsageReport report = new UsageReport(query, aggregates.select(query));
        assertThat(report.total().ledger().actualNanos()).isEqualTo(actual).isEqualTo(report.total().costNanos());
        JsonNode json = report.toJson();
        for (JsonNode row : json.get("by_team_day")) {
            JsonNode ledger = row.get("ledger");
            BigDecimal reasons = BigDecimal.ZERO;
            for (JsonNode reason : ledger.get("by_reason")) {
                reasons = reasons.add(reason.decimalValue());
            }
            assertThat(reasons).isEqualByComparingTo(ledger.get("saving_usd").decimalValue());
            assertThat(ledger.get("baseline_usd").decimalValue().subtract(ledger.get("actual_usd").decimalValue()))
                    .isEqualByComparingTo(reasons);
            assertThat(ledger.get("actual_usd").decimalValue()).isEqualByComparingTo(row.get("cost_usd").decimalValue());
        }
        assertThat(json.get("by_team_day")).hasSize(3);
    }

    private static AnsweredRequest answered(String baseline, String model, CacheOutcome cache, TokenCounts tokens,
                                            String outcome) {
        return new AnsweredRequest("req_1", NOW, "team-a", "key-1", baseline, baseline, "p", model, null, cache, false,
                outcome, tokens);
    }

    private static ModelConfig model(String name, Pricing pricing) {
        return new ModelConfig(name, "p", name, ModelConfig.CHAT, pricing);
    }

    private static BigDecimal usd(String value) {
        return new BigDecimal(value);
    }
}
