package dev.tiergate.router.learning;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A learned policy serves only when the off-policy estimate supports it with confidence. */
class PolicyLearnerTest {
    private static final String CELL = "auto/c0.mid";
    private final TeamLearning settings = LearningFixtures.settings(0.05, 1.0, 8);

    @Test
    void aPolicyThatLooksBetterOnTooFewNoisyRewardsNeverTakesOver() {
        TeamStats stats = TeamStats.EMPTY;
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 400; i++) {
            stats = stats.plus(new Reward(CELL, "mid", random.nextDouble() < 0.8 ? 1 : 0, 0.95, 0.16, true));
        }
        // small: 8 explored rewards, 7 of them good: a better point estimate (0.875 - 0.06 > 0.8 - 0.16)
        for (int i = 0; i < 8; i++) {
            stats = stats.plus(new Reward(CELL, "small", i == 0 ? 0 : 1, 0.05, 0.06, true));
        }
        OffPolicyEstimate estimate = new OffPolicyEstimate(stats, settings);
        assertThat(estimate.reward(CELL, "small")).isGreaterThan(estimate.reward(CELL, "mid"));
        PolicyTable greedy = new PolicyTable(1, java.util.Map.of(CELL, "small"));
        assertThat(estimate.difference(greedy, PolicyTable.STATIC).supported(settings.confidence())).isFalse();
        assertThat(PolicyLearner.next(estimate, PolicyTable.STATIC, settings)).isSameAs(PolicyTable.STATIC);
    }

    @Test
    void aPolicyTheEstimateSupportsIsPromotedOnceAndServedByEveryReplica() {
        InMemoryRewardStore store = new InMemoryRewardStore();
        for (int i = 0; i < 400; i++) {
            store.add("team-a", new Reward(CELL, "mid", i % 5 == 0 ? 0 : 1, 0.95, 0.16, true));
        }
        for (int i = 0; i < 60; i++) {
            store.add("team-a", new Reward(CELL, "small", i % 20 == 0 ? 0 : 1, 0.05, 0.06, true));
        }
        TeamLearner one = new TeamLearner("team-a", store, Clock.systemUTC(), 0);
        TeamLearner other = new TeamLearner("team-a", store, Clock.systemUTC(), 0);
        TeamLearner.Snapshot first = one.refresh(settings).toCompletableFuture().join();
        TeamLearner.Snapshot second = other.refresh(settings).toCompletableFuture().join();
        assertThat(first.serving().version()).isEqualTo(1);
        assertThat(first.serving().tierFor(CELL, "mid")).isEqualTo("small");
        assertThat(second.serving()).isEqualTo(first.serving());
        assertThat(store.serving("team-a").toCompletableFuture().join().version()).isEqualTo(1);
    }

    @Test
    void aCellWithoutRewardsForTheCandidatesTierIsUnsupported() {
        TeamStats stats = TeamStats.EMPTY;
        for (int i = 0; i < 100; i++) {
            stats = stats.plus(new Reward(CELL, "mid", 1, 1.0, 0.16, true));
        }
        OffPolicyEstimate estimate = new OffPolicyEstimate(stats, settings);
        PolicyTable unseen = new PolicyTable(1, java.util.Map.of(CELL, "small"));
        assertThat(estimate.difference(unseen, PolicyTable.STATIC).supported(0)).isFalse();
        assertThat(PolicyLearner.next(estimate, PolicyTable.STATIC, settings)).isSameAs(PolicyTable.STATIC);
    }
}
