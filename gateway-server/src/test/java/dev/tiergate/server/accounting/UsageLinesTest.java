package dev.tiergate.server.accounting;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tiergate.core.accounting.SavingReason;
import dev.tiergate.core.accounting.SavingsLedger;
import dev.tiergate.core.accounting.TokensSource;
import dev.tiergate.core.accounting.UsageJson;
import dev.tiergate.core.accounting.UsageRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A batch of the usage file: one line a record, written by one generator, each reading back as its
 * record; what is zero or false is left out of the line, not out of the record; the bytes are
 * those Jackson's mapper writes.
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

    /**
     * The lines are the bytes Jackson's mapper writes for the records with the zeros left out by
     * mix-ins (how the file was written before): random records with every field varied (absent
     * strings, zero and non-zero counts, escapes and non-ASCII text, nanosecond times, any ledger).
     */
    @Test
    void randomRecordsHaveTheLinesTheMapperWrites() throws IOException {
        ObjectMapper mapper = UsageJson.mapper().copy()
                .addMixIn(UsageRecord.class, ZerosLeftOut.Record.class)
                .addMixIn(SavingsLedger.class, ZerosLeftOut.Ledger.class);
        Random random = new Random(20261205);
        List<UsageRecord> records = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            records.add(randomRecord(random, i));
        }
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (UsageRecord record : records) {
            expected.write(mapper.writeValueAsBytes(record));
            expected.write('\n');
        }

        assertThat(text(records)).isEqualTo(expected.toString(StandardCharsets.UTF_8));
    }

    private static UsageRecord randomRecord(Random random, int i) {
        String[] texts = {null, "gpt-4o-mini", "équipe \"α\"", "tab\there", "smile \uD83D\uDE00", "", "a\\b/c\u0001"};
        long[] counts = {0, 0, 1, 7, 12_345, Long.MAX_VALUE};
        Instant at = AT.plusNanos(random.nextLong(1_000_000_000_000_000L) / (random.nextBoolean() ? 1 : 1_000_000));
        return new UsageRecord("req_" + i, at, texts[1 + random.nextInt(texts.length - 1)], pick(random, texts),
                pick(random, texts), pick(random, texts), pick(random, texts), pick(random, texts),
                pick(random, texts), random.nextBoolean(), pick(random, texts), pick(random, counts),
                pick(random, counts), pick(random, counts), random.nextBoolean() ? TokensSource.PROVIDER
                        : TokensSource.ESTIMATED, BigDecimal.valueOf(random.nextLong(), random.nextInt(20) - 5),
                BigDecimal.valueOf(random.nextInt(), random.nextInt(12)),
                SavingReason.values()[random.nextInt(SavingReason.values().length)], pick(random, texts),
                pick(random, counts), pick(random, counts), new SavingsLedger(pick(random, counts),
                        -pick(random, counts), pick(random, counts), pick(random, counts), pick(random, counts),
                        pick(random, counts), -pick(random, counts), pick(random, counts)));
    }

    private static String pick(Random random, String[] values) {
        return values[random.nextInt(values.length)];
    }

    private static long pick(Random random, long[] values) {
        return values[random.nextInt(values.length)];
    }

    /** What the mapper left out of a line: counts, flags and ledger parts at zero or false. */
    private static final class ZerosLeftOut {
        @SuppressWarnings("unused")
        abstract static class Record {
            @JsonInclude(JsonInclude.Include.NON_DEFAULT) abstract boolean stream();
            @JsonInclude(JsonInclude.Include.NON_DEFAULT) abstract long inputTokens();
            @JsonInclude(JsonInclude.Include.NON_DEFAULT) abstract long outputTokens();
            @JsonInclude(JsonInclude.Include.NON_DEFAULT) abstract long cachedTokens();
            @JsonInclude(JsonInclude.Include.NON_DEFAULT) abstract long cacheWriteTokens();
            @JsonInclude(JsonInclude.Include.NON_DEFAULT) abstract long cacheWrite1hTokens();
        }

        @JsonInclude(JsonInclude.Include.NON_DEFAULT)
        abstract static class Ledger {
        }
    }

    private static String text(List<UsageRecord> records) {
        return new String(UsageJson.lines(records), StandardCharsets.UTF_8);
    }
}
