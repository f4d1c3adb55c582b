package dev.tiergate.router.learning;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** The bandit's state of a gateway without Redis: per team, lost on restart. */
public final class InMemoryRewardStore implements RewardStore {
    private final ConcurrentMap<String, TeamStats> stats = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, PolicyTable> serving = new ConcurrentHashMap<>();

    @Override
    public CompletionStage<Void> add(String team, Reward reward) {
        stats.merge(team, TeamStats.EMPTY.plus(reward), (current, one) -> current.plus(reward));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<TeamStats> stats(String team) {
        return CompletableFuture.completedFuture(stats.getOrDefault(team, TeamStats.EMPTY));
    }

    @Override
    public CompletionStage<PolicyTable> serving(String team) {
        return CompletableFuture.completedFuture(serving.getOrDefault(team, PolicyTable.STATIC));
    }

    @Override
    public CompletionStage<Boolean> promote(String team, PolicyTable next) {
        boolean[] done = {false};
        serving.compute(team, (t, current) -> {
            PolicyTable now = current == null ? PolicyTable.STATIC : current;
            if (now.version() == next.version() - 1) {
                done[0] = true;
                return next;
            }
            return now;
        });
        return CompletableFuture.completedFuture(done[0]);
    }
}
