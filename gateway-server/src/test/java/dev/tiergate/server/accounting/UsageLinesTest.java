package dev.tiergate.server.accounting;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiergate.core.accounting.SavingReason;
import dev.tiergate.core.accounting.SavingsLedger;
import dev.tiergate.core.accounting.TokensSource;
import dev.tiergate.core.accounting.UsageJson;
import dev.tiergate.core.accounting.UsageRecord;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A batch of the usage file: one line a record, written by one generator, each reading back as its
 * record; what is zero or false is left out of the line, not out of the record.
 */
class UsageLinesTest {
    private static final Instant AT = Instant.parse("2026-11-01T00:00:00Z");

    @Test
    void eachLineReadsBackAsItsRecord() {
        List<UsageRecord> records = UsageRecords.spread(7, 300, AT, Duration.ofDays(40));

        String[] lines = text(records).split("\n", -1);

        assertThat(lines).hasSize(records.size() + 1);
        assertThat(lines[records.size()]).isEmpty();
        for (int i = 0; i < records.size(); i++) {
            assertThat(UsageJson.read(lines[i])).isEqualTo(records.get(i));
        }
        assertThat(UsageJson.lines(List.of())).isEmpty();
    }

    @Test
    void zeroCountsZeroLedgerPartsAndAFalseStreamAreLeftOutOfTheLineOnly() {
        UsageRecord hit = new UsageRecord("req_hit", AT, "team-a", "key-a", "gpt-4o-mini", "gpt-4o-mini", "openai",
                null, "hit", false, UsageRecord.COMPLETE, 0, 0, 0, TokensSource.PROVIDER, BigDecimal.ZERO,
                BigDecimal.ZERO, SavingReason.NONE, "gpt-4o-mini", 0, 0, SavingsLedger.ZERO);

        String line = text(List.of(hit)).strip();

        assertThat(line).doesNotContain("stream", "input_tokens", "output_tokens", "cached_tokens", "cache_write",
                "_nanos").contains("\"ledger\":{}", "\"cost_usd\":0", "\"saving_usd\":0", "\"saving_reason\":\"none\"");
        assertThat(UsageJson.read(line)).isEqualTo(hit);
        assertThat(UsageJson.write(hit)).contains("\"stream\":false", "\"input_tokens\":0", "\"cached_tokens\":0",
                "\"exact_cache_nanos\":0");
    }

    @Test
    void aRecordWithNothingAtZeroHasTheLineItsJsonIs() {
        UsageRecord full = new UsageRecord("req_full", AT, "team-a", "key-a", "auto", "gpt-4o-mini", "openai",
                "small", "miss", true, UsageRecord.COMPLETE, 1200, 300, 1024, TokensSource.PROVIDER,
                new BigDecimal("0.000123"), new BigDecimal("0.000456"), SavingReason.ROUTED, "gpt-4o", 100, 50,
                new SavingsLedger(579, 1, 2, 3, 4, -5, -6, -7));

        assertThat(text(List.of(full))).isEqualTo(UsageJson.write(full) + "\n");
    }

    private static String text(List<UsageRecord> records) {
        return new String(UsageJson.lines(records), StandardCharsets.UTF_8);
    }
}
