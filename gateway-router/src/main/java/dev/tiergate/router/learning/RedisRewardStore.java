package dev.tiergate.router.learning;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.tiergate.core.json.Json;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * The bandit's state in Redis, shared by every replica and kept across restarts:
 * {@code <prefix>s:<team>} a hash of reward sums ({@code cell|tier|n}, {@code |w}, {@code |w2},
 * {@code |wq}, {@code |wq2}, {@code |wc}, and the {@code explicit} and {@code rewards} counts), at most
 * clusters × tiers² × 6 fields; {@code <prefix>p:<team>} the serving policy (JSON), replaced only by
 * a promotion from its own version. Both expire {@code retention} after their last change.
 */
public final class RedisRewardStore implements RewardStore {
    private static final String ADD = """
            for i = 1, #ARGV - 1, 2 do
              redis.call('HINCRBYFLOAT', KEYS[1], ARGV[i], ARGV[i + 1])
            end
            redis.call('PEXPIRE', KEYS[1], ARGV[#ARGV])
            return 1
            """;
    private static final String PROMOTE = """
            local current = redis.call('GET', KEYS[1])
            local version = 0
            if current then version = tonumber(cjson.decode(current)['version']) end
            if version == tonumber(ARGV[1]) - 1 then
              redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
              return 1
            end
            return 0
            """;
    private static final String[] SUMS = {"n", "w", "w2", "wq", "wq2", "wc"};

    private final RedisAsyncCommands<String, String> redis;
    private final String prefix;
    private final Duration retention;

    public RedisRewardStore(RedisLearningConnection connection, String prefix, Duration retention) {
        this.redis = connection.async();
        this.prefix = requireNonNull(prefix, "prefix");
        this.retention = requireNonNull(retention, "retention");
    }

    @Override
    public CompletionStage<Void> add(String team, Reward reward) {
        ArmStats one = ArmStats.EMPTY.plus(reward);
        double[] values = {one.n(), one.w(), one.w2(), one.wq(), one.wq2(), one.wc()};
        String[] args = new String[SUMS.length * 2 + 5];
        int i = 0;
        for (int s = 0; s < SUMS.length; s++) {
            args[i++] = reward.arm() + "|" + SUMS[s];
            args[i++] = Double.toString(values[s]);
        }
        args[i++] = "explicit";
        args[i++] = reward.explicit() ? "1" : "0";
        args[i++] = "rewards";
        args[i++] = "1";
        args[i] = Long.toString(retention.toMillis());
        return redis.<Long>eval(ADD, ScriptOutputType.INTEGER, new String[] {prefix + "s:" + team}, args)
                .thenApply(ignored -> null);
    }

    @Override
    public CompletionStage<TeamStats> stats(String team) {
        return redis.hgetall(prefix + "s:" + team).thenApply(RedisRewardStore::parse);
    }

    static TeamStats parse(Map<String, String> hash) {
        Map<String, double[]> sums = new HashMap<>();
        for (Map.Entry<String, String> field : hash.entrySet()) {
            int bar = field.getKey().lastIndexOf('|');
            if (bar < 0) {
                continue;
            }
            String arm = field.getKey().substring(0, bar);
            int index = java.util.Arrays.asList(SUMS).indexOf(field.getKey().substring(bar + 1));
            if (index >= 0) {
                sums.computeIfAbsent(arm, a -> new double[SUMS.length])[index] = Double.parseDouble(field.getValue());
            }
        }
        Map<String, ArmStats> arms = new HashMap<>();
        sums.forEach((arm, v) -> arms.put(arm, new ArmStats(Math.round(v[0]), v[1], v[2], v[3], v[4], v[5])));
        return new TeamStats(arms, Math.round(number(hash.get("explicit"))), Math.round(number(hash.get("rewards"))));
    }

    private static double number(String value) {
        return value == null ? 0 : Double.parseDouble(value);
    }

    @Override
    public CompletionStage<PolicyTable> serving(String team) {
        return redis.get(prefix + "p:" + team).thenApply(json -> {
            if (json == null) {
                return PolicyTable.STATIC;
            }
            try {
                return Json.mapper().readValue(json, PolicyTable.class);
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @Override
    public CompletionStage<Boolean> promote(String team, PolicyTable next) {
        String json;
        try {
            json = Json.mapper().writeValueAsString(next);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        return redis.<Long>eval(PROMOTE, ScriptOutputType.INTEGER, new String[] {prefix + "p:" + team},
                        Long.toString(next.version()), json, Long.toString(retention.toMillis()))
                .thenApply(result -> result != null && result == 1L);
    }
}
