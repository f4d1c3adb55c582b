package dev.tiergate.router.learning;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.tiergate.core.json.Json;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * The decision log in Redis, shared by every replica: {@code <prefix>d:<request id>} holds a
 * decision (JSON, expiring after the TTL), {@code <prefix>dq:<team>} the team's decision keys,
 * newest first, trimmed to the per-team cap (what falls off is deleted with its claims);
 * {@code <decision key>:<kind>} a claim, {@code <prefix>fp:<team>:<hash>} the last request of a
 * context fingerprint. Single Redis (not cluster): the record script touches keys it derives.
 */
public final class RedisDecisionLog implements DecisionLog {
    private static final String RECORD = """
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            redis.call('LPUSH', KEYS[2], KEYS[1])
            redis.call('PEXPIRE', KEYS[2], ARGV[2])
            while redis.call('LLEN', KEYS[2]) > tonumber(ARGV[3]) do
              local old = redis.call('RPOP', KEYS[2])
              redis.call('DEL', old, old .. ':explicit', old .. ':implicit')
            end
            return 1
            """;

    private final RedisAsyncCommands<String, String> redis;
    private final String prefix;
    private final Duration ttl;
    private final int maxPerTeam;

    public RedisDecisionLog(RedisLearningConnection connection, String prefix, Duration ttl, int maxPerTeam) {
        this.redis = connection.async();
        this.prefix = requireNonNull(prefix, "prefix");
        this.ttl = requireNonNull(ttl, "ttl");
        this.maxPerTeam = maxPerTeam;
    }

    @Override
    public CompletionStage<Void> record(LoggedDecision decision) {
        String json;
        try {
            json = Json.mapper().writeValueAsString(decision);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        return redis.<Long>eval(RECORD, ScriptOutputType.INTEGER,
                        new String[] {key(decision.requestId()), prefix + "dq:" + decision.team()},
                        json, Long.toString(ttl.toMillis()), Integer.toString(maxPerTeam))
                .thenApply(ignored -> null);
    }

    @Override
    public CompletionStage<LoggedDecision> find(String requestId) {
        return redis.get(key(requestId)).thenApply(json -> {
            if (json == null) {
                return null;
            }
            try {
                return Json.mapper().readValue(json, LoggedDecision.class);
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @Override
    public CompletionStage<Boolean> claim(String requestId, String kind) {
        return redis.set(key(requestId) + ":" + kind, "1", SetArgs.Builder.nx().px(ttl.toMillis()))
                .thenApply("OK"::equals);
    }

    @Override
    public CompletionStage<String> swapFingerprint(String team, String fingerprint, String requestId, Duration window) {
        return redis.setGet(prefix + "fp:" + team + ":" + fingerprint, requestId,
                SetArgs.Builder.px(Math.max(1, window.toMillis())));
    }

    private String key(String requestId) {
        return prefix + "d:" + requestId;
    }
}
