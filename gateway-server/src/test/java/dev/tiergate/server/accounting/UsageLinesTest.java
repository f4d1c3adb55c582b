package dev.tiergate.server.accounting;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiergate.core.accounting.UsageJson;
import dev.tiergate.core.accounting.UsageRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A batch of the usage file written by one generator is the records' lines as written one by one before. */
class UsageLinesTest {

    @Test
    void aBatchIsEachRecordsLineThenANewline() {
        List<UsageRecord> records = UsageRecords.spread(7, 300, Instant.parse("2026-11-01T00:00:00Z"), Duration.ofDays(40));
        StringBuilder oneByOne = new StringBuilder();
        records.forEach(r -> oneByOne.append(UsageJson.write(r)).append('\n'));

        assertThat(new String(UsageJson.lines(records), StandardCharsets.UTF_8)).isEqualTo(oneByOne.toString());
        assertThat(UsageJson.lines(List.of())).isEmpty();
    }
}
