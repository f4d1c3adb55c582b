package dev.tiergate.router.learning;

import java.util.concurrent.CompletionStage;

/**
 * The bandit's state per team: the reward sums ({@link TeamStats}) and the serving
 * {@link PolicyTable}. Shared by every replica through Redis (bounded: at most clusters × tiers
 * cells per team), or kept in memory.
 */
public interface RewardStore {

    CompletionStage<Void> add(String team, Reward reward);

    CompletionStage<TeamStats> stats(String team);

    /** The team's serving policy; {@link PolicyTable#STATIC} until one was promoted. */
    CompletionStage<PolicyTable> serving(String team);

    /**
     * Serves {@code next} from now on if the serving policy's version is still
     * {@code next.version() - 1}; false when another replica promoted first.
     */
    CompletionStage<Boolean> promote(String team, PolicyTable next);
}
