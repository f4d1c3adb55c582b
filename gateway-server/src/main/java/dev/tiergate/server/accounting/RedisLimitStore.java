package dev.tiergate.server.accounting;

import dev.tiergate.core.accounting.LimitCheck;
import dev.tiergate.core.accounting.LimitKind;
import dev.tiergate.core.accounting.LimitScope;
import dev.tiergate.core.accounting.LimitStore;
import dev.tiergate.core.accounting.LimitWindows;
import dev.tiergate.core.accounting.Reservation;
import dev.tiergate.core.accounting.ScopeUsage;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Limit counters in Redis, shared by every gateway that names the same Redis and key prefix. A
 * check is one EVALSHA: the script reads each scope's minute and month counters, refuses on the
 * first limit the request and its reservation would pass (the same rule as
 * {@link LimitKind#reached}), and otherwise counts the request and adds the reservation in every
 * scope, atomically: replicas cannot both spend the same budget. Keys: {@code <prefix>rl:<scope>:r:<minute>} (requests),
 * {@code ...:t:<minute>} (tokens), expiring after two minutes, and {@code <prefix>spend:<scope>:<yyyy-MM>}
 * (nano-dollars), expiring after 100 days.
 */
final class RedisLimitStore implements LimitStore {
    private static final Logger log = LoggerFactory.getLogger(RedisLimitStore.class);
    private static final long MINUTE_TTL_SECONDS = 120;
    private static final long MONTH_TTL_SECONDS = 100L * 86_400;

    /**
     * KEYS: per scope requests, tokens, spend; ARGV: per scope rpm, tpm, budget nanos (-1: none),
     * then the reservation's tokens and nanos, the minute and month TTLs.
     */
    private static final RedisScript ACQUIRE = new RedisScript("""
            local n = #KEYS / 3
            local tok = tonumber(ARGV[3*n+1])
            local cost = tonumber(ARGV[3*n+2])
            local out = {-1, ''}
            for i = 1, n do
              local r = tonumber(redis.call('GET', KEYS[3*i-2]) or '0')
              local t = tonumber(redis.call('GET', KEYS[3*i-1]) or '0')
              local s = tonumber(redis.call('GET', KEYS[3*i]) or '0')
              out[#out+1] = r
              out[#out+1] = t
              out[#out+1] = s
              if out[1] < 0 then
                local rpm = tonumber(ARGV[3*i-2])
                local tpm = tonumber(ARGV[3*i-1])
                local budget = tonumber(ARGV[3*i])
                if budget >= 0 and (s >= budget or s + cost > budget) then out[1] = i - 1; out[2] = 'MONTHLY_BUDGET'
                elseif rpm > 0 and r >= rpm then out[1] = i - 1; out[2] = 'REQUESTS_PER_MINUTE'
                elseif tpm > 0 and (t >= tpm or t + tok > tpm) then out[1] = i - 1; out[2] = 'TOKENS_PER_MINUTE' end
              end
            end
            if out[1] < 0 then
              for i = 1, n do
                redis.call('INCR', KEYS[3*i-2])
                redis.call('EXPIRE', KEYS[3*i-2], ARGV[3*n+3])
                if tok > 0 then
                  redis.call('INCRBY', KEYS[3*i-1], tok)
                  redis.call('EXPIRE', KEYS[3*i-1], ARGV[3*n+3])
                end
                if cost > 0 then
                  redis.call('INCRBY', KEYS[3*i], cost)
                  redis.call('EXPIRE', KEYS[3*i], ARGV[3*n+4])
                end
              end
            end
            return out
            """, ScriptOutputType.MULTI);

    /** KEYS: per scope tokens, spend; ARGV: tokens, nanos, minute TTL, month TTL. */
    private static final RedisScript RECORD = new RedisScript("""
            for i = 1, #KEYS / 2 do
              if ARGV[1] ~= '0' then
                redis.call('INCRBY', KEYS[2*i-1], ARGV[1])
                redis.call('EXPIRE', KEYS[2*i-1], ARGV[3])
              end
              if ARGV[2] ~= '0' then
                redis.call('INCRBY', KEYS[2*i], ARGV[2])
                redis.call('EXPIRE', KEYS[2*i], ARGV[4])
              end
            end
            return 1
            """, ScriptOutputType.INTEGER);

    private final RedisAsyncCommands<String, String> redis;
    private final String prefix;

    RedisLimitStore(RedisAsyncCommands<String, String> redis, String prefix) {
        this.redis = redis;
        this.prefix = prefix;
    }

    @Override
    public CompletionStage<LimitCheck> acquire(List<LimitScope> scopes, Instant now, Reservation reservation) {
        long minute = LimitWindows.minute(now);
        String month = LimitWindows.month(now).toString();
        String[] keys = new String[scopes.size() * 3];
        String[] args = new String[scopes.size() * 3 + 4];
        for (int i = 0; i < scopes.size(); i++) {
            LimitScope scope = scopes.get(i);
            keys[3 * i] = requestsKey(scope.id(), minute);
            keys[3 * i + 1] = tokensKey(scope.id(), minute);
            keys[3 * i + 2] = spendKey(scope.id(), month);
            args[3 * i] = Long.toString(scope.limits().requestsPerMinute());
            args[3 * i + 1] = Long.toString(scope.limits().tokensPerMinute());
            args[3 * i + 2] = Long.toString(scope.limits().budgetNanos());
        }
        int n = scopes.size() * 3;
        args[n] = Long.toString(reservation.tokens());
        args[n + 1] = Long.toString(reservation.costNanos());
        args[n + 2] = Long.toString(MINUTE_TTL_SECONDS);
        args[n + 3] = Long.toString(MONTH_TTL_SECONDS);
        return ACQUIRE.<List<Object>>run(redis, keys, args).thenApply(reply -> {
            int refused = (int) number(reply.get(0));
            List<ScopeUsage> usages = new ArrayList<>(scopes.size());
            for (int i = 0; i < scopes.size(); i++) {
                usages.add(new ScopeUsage(number(reply.get(2 + 3 * i)), number(reply.get(3 + 3 * i)),
                        number(reply.get(4 + 3 * i))));
            }
            return new LimitCheck(usages, refused, refused < 0 ? null : LimitKind.valueOf(String.valueOf(reply.get(1))));
        });
    }

    @Override
    public void record(List<String> scopeIds, Instant time, long tokens, long costNanos) {
        long minute = LimitWindows.minute(time);
        String month = LimitWindows.month(time).toString();
        String[] keys = new String[scopeIds.size() * 2];
        for (int i = 0; i < scopeIds.size(); i++) {
            keys[2 * i] = tokensKey(scopeIds.get(i), minute);
            keys[2 * i + 1] = spendKey(scopeIds.get(i), month);
        }
        RECORD.run(redis, keys, Long.toString(tokens), Long.toString(costNanos), Long.toString(MINUTE_TTL_SECONDS),
                Long.toString(MONTH_TTL_SECONDS)).whenComplete((ok, error) -> {
                    if (error != null) {
                        log.error("limit counters of {} not updated ({} tokens, {} nano-USD): {}", scopeIds, tokens,
                                costNanos, error.toString());
                    }
                });
    }

    @Override
    public CompletionStage<ScopeUsage> usage(String scopeId, Instant now) {
        long minute = LimitWindows.minute(now);
        return redis.mget(requestsKey(scopeId, minute), tokensKey(scopeId, minute),
                spendKey(scopeId, LimitWindows.month(now).toString())).thenApply(values -> new ScopeUsage(
                        parse(values.get(0).getValueOrElse("0")), parse(values.get(1).getValueOrElse("0")),
                        parse(values.get(2).getValueOrElse("0"))));
    }

    /** Commands on one connection run in order: a PING answered means every earlier record is applied. */
    @Override
    public CompletionStage<Void> flush() {
        return redis.ping().thenApply(pong -> null);
    }

    private String requestsKey(String scope, long minute) {
        return prefix + "rl:" + scope + ":r:" + minute;
    }

    private String tokensKey(String scope, long minute) {
        return prefix + "rl:" + scope + ":t:" + minute;
    }

    private String spendKey(String scope, String month) {
        return prefix + "spend:" + scope + ":" + month;
    }

    private static long number(Object value) {
        return value instanceof Number n ? n.longValue() : parse(String.valueOf(value));
    }

    private static long parse(String value) {
        return Long.parseLong(value.trim());
    }
}
