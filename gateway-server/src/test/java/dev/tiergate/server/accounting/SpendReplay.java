package dev.tiergate.server.accounting;

import dev.tiergate.core.accounting.UsageRecord;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.ArrayList;
import java.util.Collections;

/**
 * What a usage file hands back on open, as the limit counters would sum it: spend per team key and
 * month (records and rolled-up spends alike), and the request ids of the records.
 */
final class SpendReplay implements FileUsageStore.Replay {
    final Map<String, Long> spend = new TreeMap<>();
    final List<String> requestIds = Collections.synchronizedList(new ArrayList<>());

    @Override
    public synchronized void record(UsageRecord record) {
        requestIds.add(record.requestId());
        add(YearMonth.from(record.timestamp().atZone(ZoneOffset.UTC)), record.team(), record.keyId(),
                record.costNanos());
    }

    @Override
    public synchronized void spend(YearMonth month, String team, String keyId, long costNanos) {
        add(month, team, keyId, costNanos);
    }

    private void add(YearMonth month, String team, String keyId, long costNanos) {
        spend.merge(team + "/" + keyId + "/" + month, costNanos, Long::sum);
    }
}
