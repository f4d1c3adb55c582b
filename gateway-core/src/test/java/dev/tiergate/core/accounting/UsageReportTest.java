package dev.tiergate.core.accounting;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class UsageReportTest {
    @Test
    void totalsGroupByEveryDimensionAndSplitTheSavings() {
        UsageAggregates aggregates = new UsageAggregates();
        aggregates.add(record("2025-08-01T10:00:00Z", "a", "gpt-4o-mini", "miss", "0.01", "0.05"));
        aggregates.add(record("2025-08-01T11:00:00Z", "a", "gpt-4o", "hit", "0", "0.2"));
        aggregates.add(record("2025-08-02T11:00:00Z", "b", "gpt-4o", "miss", "0.2", "0"));
        aggregates.add(record("2025-09-02T11:00:00Z", "a", "gpt-4o", "miss", "9", "0"));

        UsageQuery query = new UsageQuery(LocalDate.parse("2025-08-01"), LocalDate.parse("2025-08-31"), null);
        JsonNode json = new UsageReport(query, aggregates.select(query)).toJson();

        assertThat(json.at("/totals/requests").asLong()).isEqualTo(3);
        assertThat(json.at("/totals/cost_usd").decimalValue()).isEqualByComparingTo("0.21");
        assertThat(json.at("/savings/cache_usd").decimalValue()).isEqualByComparingTo("0.2");
        assertThat(json.at("/savings/routing_usd").decimalValue()).isEqualByComparingTo("0.05");
        assertThat(json.at("/by_day/0/day").asText()).isEqualTo("2025-08-01");
        assertThat(json.at("/by_day/0/requests").asLong()).isEqualTo(2);
        assertThat(json.at("/by_team/1/team").asText()).isEqualTo("b");
        assertThat(json.at("/by_cache/0/cache").asText()).isEqualTo("hit");
        assertThat(json.at("/by_tier/0/tier").asText()).isEqualTo("none");

        UsageQuery teamA = new UsageQuery(LocalDate.parse("2025-08-01"), LocalDate.parse("2025-09-30"), "a");
        assertThat(new UsageReport(teamA, aggregates.select(teamA)).total().requests()).isEqualTo(3);
    }

    private static UsageRecord record(String time, String team, String model, String cache, String cost,
                                      String saving) {
        return new UsageRecord("req", Instant.parse(time), team, "k", model, model, "openai", null, cache, false,
                UsageRecord.COMPLETE, 10, 5, 0, TokensSource.PROVIDER, new BigDecimal(cost), new BigDecimal(saving),
                SavingReason.NONE, null);
    }
}
