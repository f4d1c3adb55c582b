package dev.tiergate.server;

import dev.tiergate.core.config.AliasConfig;
import dev.tiergate.core.config.GatewayConfig;
import dev.tiergate.core.config.ModelConfig;
import dev.tiergate.core.config.Pricing;
import dev.tiergate.core.memory.HeapShare;
import dev.tiergate.router.learning.DecisionLog;
import dev.tiergate.router.learning.InMemoryDecisionLog;
import dev.tiergate.router.learning.InMemoryRewardStore;
import dev.tiergate.router.learning.LearningSettings;
import dev.tiergate.router.learning.RedisDecisionLog;
import dev.tiergate.router.learning.RedisLearningConnection;
import dev.tiergate.router.learning.RedisRewardStore;
import dev.tiergate.router.learning.RewardStore;
import dev.tiergate.router.learning.TierCosts;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The learning router's stores: in Redis when the gateway has {@code redis.url} (shared by every
 * replica, surviving restarts), in memory otherwise, where the log holds at most what fits in its
 * share of the heap ({@link HeapShare#entries}). Kept across config reloads while the Redis
 * location and the decision log's bounds stay the same.
 */
final class LearningParts implements AutoCloseable {
    /** How long a team's reward sums and serving policy outlive their last change in Redis. */
    private static final Duration RETENTION = Duration.ofDays(90);

    private final DecisionLog decisions;
    private final RewardStore rewards;
    private final RedisLearningConnection connection;
    private final String description;

    private LearningParts(DecisionLog decisions, RewardStore rewards, RedisLearningConnection connection,
                          String description) {
        this.decisions = decisions;
        this.rewards = rewards;
        this.connection = connection;
        this.description = description;
    }

    /** What decides whether the stores can be carried over to a new config. */
    static Object key(GatewayConfig config, LearningSettings settings) {
        return List.of(config.accounting().redisUrl(), config.accounting().redisKeyPrefix(),
                settings.decisionTtl(), settings.maxDecisionsPerTeam());
    }

    static LearningParts create(GatewayConfig config, LearningSettings settings) {
        if (config.accounting().usesRedis()) {
            RedisLearningConnection connection = RedisLearningConnection.connect(config.accounting().redisUrl());
            String prefix = config.accounting().redisKeyPrefix() + "learn:";
            return new LearningParts(
                    new RedisDecisionLog(connection, prefix, settings.decisionTtl(), settings.maxDecisionsPerTeam()),
                    new RedisRewardStore(connection, prefix, RETENTION), connection, "redis (prefix " + prefix + ")");
        }
        long configured = (long) settings.maxDecisionsPerTeam() * Math.max(1, config.teams().size());
        int total = HeapShare.entries("router.learning.max-decisions-per-team (in memory, all teams)",
                (int) Math.min(Integer.MAX_VALUE, configured), InMemoryDecisionLog.BYTES_PER_DECISION);
        return new LearningParts(new InMemoryDecisionLog(settings.decisionTtl(), settings.maxDecisionsPerTeam(), total,
                Clock.systemUTC()), new InMemoryRewardStore(), null, "in memory (at most " + total + " decisions)");
    }

    DecisionLog decisions() {
        return decisions;
    }

    RewardStore rewards() {
        return rewards;
    }

    String description() {
        return description;
    }

    /**
     * Each tier's cost relative to the alias's most expensive tier, by the list price (input plus
     * output per million tokens) of its first model; by position when a price is missing.
     */
    static TierCosts tierCosts(GatewayConfig config) {
        TierCosts byPosition = TierCosts.byPosition();
        return (alias, tier) -> {
            BigDecimal price = price(config, alias, tier);
            BigDecimal top = BigDecimal.ZERO;
            for (String t : alias.tiers().keySet()) {
                BigDecimal p = price(config, alias, t);
                if (p == null) {
                    return byPosition.relativeCost(alias, tier);
                }
                top = top.max(p);
            }
            return price == null || top.signum() == 0 ? byPosition.relativeCost(alias, tier)
                    : price.doubleValue() / top.doubleValue();
        };
    }

    private static BigDecimal price(GatewayConfig config, AliasConfig alias, String tier) {
        List<String> models = alias.tiers().get(tier);
        ModelConfig model = models == null || models.isEmpty() ? null : config.models().get(models.getFirst());
        Pricing p = model == null ? null : model.pricing();
        return p == null || p.inputPerMillion() == null || p.outputPerMillion() == null ? null
                : p.inputPerMillion().add(p.outputPerMillion());
    }

    @Override
    public void close() {
        if (connection != null) {
            connection.close();
        }
    }
}
