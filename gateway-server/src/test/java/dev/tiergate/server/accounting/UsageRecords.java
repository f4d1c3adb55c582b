package dev.tiergate.server.accounting;

import dev.tiergate.core.accounting.SavingReason;
import dev.tiergate.core.accounting.TokensSource;
import dev.tiergate.core.accounting.UsageRecord;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Usage records of several teams, keys, models, tiers and cache outcomes, spread over a span of time, from a seed. */
final class UsageRecords {
    private static final String[] TEAMS = {"search", "support", "labs"};
    private static final String[] KEYS = {"k1", "k2", null};
    private static final String[] MODELS = {"gpt-4o", "gpt-4o-mini", "claude", "gemini"};
    private static final String[] TIERS = {null, "small", "mid", "frontier"};
    private static final String[] CACHES = {null, "miss", "hit", "semantic-hit", "bypass"};

    private UsageRecords() {
    }

    /** {@code count} records with timestamps from {@code from} over {@code span}, in time order. */
    static List<UsageRecord> spread(long seed, int count, Instant from, Duration span) {
        Random random = new Random(seed);
        List<UsageRecord> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Instant at = from.plusMillis(span.toMillis() * i / count);
            records.add(random(random, "req_" + seed + "_" + i, at));
        }
        return records;
    }

    static UsageRecord random(Random random, String requestId, Instant at) {
        String model = pick(random, MODELS);
        String cache = pick(random, CACHES);
        boolean hit = "hit".equals(cache) || "semantic-hit".equals(cache);
        BigDecimal cost = hit ? BigDecimal.ZERO : BigDecimal.valueOf(random.nextInt(5_000_000), 9);
        BigDecimal saving = BigDecimal.valueOf(random.nextInt(4_000_000) - 1_000_000L, 9);
        return new UsageRecord(requestId, at, pick(random, TEAMS), pick(random, KEYS), "auto", model, "up",
                pick(random, TIERS), cache, random.nextBoolean(), UsageRecord.COMPLETE, random.nextInt(5000),
                random.nextInt(800), random.nextInt(100), random.nextInt(10) == 0 ? TokensSource.ESTIMATED
                        : TokensSource.PROVIDER, cost, saving, hit ? SavingReason.CACHE_HIT : SavingReason.ROUTED, "gpt-4o");
    }

    private static String pick(Random random, String[] values) {
        return values[random.nextInt(values.length)];
    }
}
