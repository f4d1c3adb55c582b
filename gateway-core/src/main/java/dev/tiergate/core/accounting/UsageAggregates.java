package dev.tiergate.core.accounting;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Totals per {@link UsageKey} in memory, for stores that keep their records in a local file: added
 * record by record, or a key's totals at once (totals that compaction rolled records into).
 */
public final class UsageAggregates {
    private final Map<UsageKey, UsageTotals> totals = new ConcurrentHashMap<>();

    public void add(UsageRecord record) {
        add(UsageKey.of(record), UsageTotals.of(record));
    }

    public void add(UsageKey key, UsageTotals more) {
        totals.merge(key, more, UsageTotals::plus);
    }

    /** A copy of every key's totals. */
    public Map<UsageKey, UsageTotals> snapshot() {
        return new HashMap<>(totals);
    }

    public Map<UsageKey, UsageTotals> select(UsageQuery query) {
        Map<UsageKey, UsageTotals> out = new HashMap<>();
        totals.forEach((key, value) -> {
            if (query.matches(key)) {
                out.put(key, value);
            }
        });
        return out;
    }
}
