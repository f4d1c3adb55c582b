package dev.tiergate.core.accounting;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Totals per {@link UsageKey} in memory, for stores that keep their records in a local file. */
public final class UsageAggregates {
    private final Map<UsageKey, UsageTotals> totals = new ConcurrentHashMap<>();

    public void add(UsageRecord record) {
        totals.merge(UsageKey.of(record), UsageTotals.of(record), UsageTotals::plus);
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
