package dev.tiergate.core.accounting;

import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Limit counters of one gateway, in memory. Only the current minute and the months seen are kept.
 * Synchronized: a check and its reservation over several scopes are atomic, and every operation is
 * a few map look-ups. A settlement for a minute already past changes only the month's spend.
 */
public final class InMemoryLimitStore implements LimitStore {
    private final Map<String, Counters> scopes = new HashMap<>();

    @Override
    public synchronized CompletionStage<LimitCheck> acquire(List<LimitScope> asked, Instant now,
                                                            Reservation reservation) {
        long minute = LimitWindows.minute(now);
        YearMonth month = LimitWindows.month(now);
        List<ScopeUsage> usages = new ArrayList<>(asked.size());
        for (LimitScope scope : asked) {
            usages.add(counters(scope.id()).usage(minute, month));
        }
        for (int i = 0; i < asked.size(); i++) {
            LimitKind kind = LimitKind.reached(asked.get(i).limits(), usages.get(i), reservation);
            if (kind != null) {
                return CompletableFuture.completedFuture(new LimitCheck(usages, i, kind));
            }
        }
        for (LimitScope scope : asked) {
            Counters counters = counters(scope.id());
            counters.addRequest(minute);
            counters.add(minute, month, reservation.tokens(), reservation.costNanos());
        }
        return CompletableFuture.completedFuture(new LimitCheck(usages, -1, null));
    }

    @Override
    public synchronized void record(List<String> scopeIds, Instant time, long tokens, long costNanos) {
        long minute = LimitWindows.minute(time);
        YearMonth month = LimitWindows.month(time);
        for (String id : scopeIds) {
            counters(id).add(minute, month, tokens, costNanos);
        }
    }

    @Override
    public synchronized CompletionStage<ScopeUsage> usage(String scopeId, Instant now) {
        return CompletableFuture.completedFuture(counters(scopeId).usage(LimitWindows.minute(now), LimitWindows.month(now)));
    }

    private Counters counters(String id) {
        return scopes.computeIfAbsent(id, k -> new Counters());
    }

    /** One scope: the counts of its latest minute, and spend per month. */
    private static final class Counters {
        private long minute = Long.MIN_VALUE;
        private long requests;
        private long tokens;
        private final Map<YearMonth, Long> spend = new HashMap<>();

        ScopeUsage usage(long now, YearMonth month) {
            return minute == now ? new ScopeUsage(requests, tokens, spend(month))
                    : new ScopeUsage(0, 0, spend(month));
        }

        void addRequest(long now) {
            roll(now);
            if (minute == now) {
                requests++;
            }
        }

        void add(long at, YearMonth month, long addTokens, long costNanos) {
            roll(at);
            if (minute == at) {
                tokens += addTokens;
            }
            spend.merge(month, costNanos, Long::sum);
        }

        private long spend(YearMonth month) {
            return spend.getOrDefault(month, 0L);
        }

        /** Moves to minute {@code at} when it is newer; counts for older minutes are dropped. */
        private void roll(long at) {
            if (at > minute) {
                minute = at;
                requests = 0;
                tokens = 0;
            }
        }
    }
}
