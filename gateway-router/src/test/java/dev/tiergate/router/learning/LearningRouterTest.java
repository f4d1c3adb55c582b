package dev.tiergate.router.learning;

import static dev.tiergate.router.learning.LearningFixtures.AUTO;
import static dev.tiergate.router.learning.LearningFixtures.CLUSTER_0;
import static dev.tiergate.router.learning.LearningFixtures.classified;
import static dev.tiergate.router.learning.LearningFixtures.exchange;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.Message;
import dev.tiergate.core.model.ResponseFormat;
import dev.tiergate.core.pipeline.Answer;
import dev.tiergate.core.pipeline.Exchange;
import dev.tiergate.core.routing.RouteCause;
import dev.tiergate.core.routing.RouteDecision;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LearningRouterTest {
    private final InMemoryDecisionLog log = new InMemoryDecisionLog(Duration.ofHours(1), 100_000, 100_000, Clock.systemUTC());
    private final InMemoryRewardStore rewards = new InMemoryRewardStore();

    private LearningRouter router(TeamLearning settings) {
        SplittableRandom seeded = new SplittableRandom(19);
        return LearningRouter.builder(LearningFixtures.clusters(), log, rewards)
                .settings(LearningFixtures.forAll(settings))
                .random(() -> seeded)
                .build();
    }

    @Test
    void aTeamThatNeverSentFeedbackIsRoutedExactlyAsTheStaticRouterRoutesIt() {
        LearningRouter router = router(LearningFixtures.settings(0.5, 0.1, 8));
        for (int i = 0; i < 500; i++) {
            RouteDecision decided = classified(i % 2 == 0 ? "small" : "mid");
            LearningRouter.Routed routed = router.route(exchange("team-a", "req-" + i, "prompt " + i), decided, AUTO,
                    CLUSTER_0, false, 10);
            assertThat(routed.decision()).isSameAs(decided);
        }
        LoggedDecision logged = log.find("req-7").toCompletableFuture().join();
        assertThat(logged.propensity()).isEqualTo(1.0);
        assertThat(logged.cell()).isEqualTo("auto/c0.mid");
        assertThat(logged.team()).isEqualTo("team-a");
    }

    @Test
    void aShadowCallOfTheSemanticCacheIsNeitherExploredNorLogged() {
        LearningRouter router = router(LearningFixtures.settings(0.5, 0.1, 8));
        scoreOne(router, "team-a");
        for (int i = 0; i < 50; i++) {
            Exchange shadow = exchange("team-a", "shadow-" + i, "prompt " + i);
            shadow.facts().shadowCheckOf().set("req-served-" + i);
            RouteDecision decided = classified("mid");
            LearningRouter.Routed routed = router.route(shadow, decided, AUTO, CLUSTER_0, false, 10);
            assertThat(routed.decision()).isSameAs(decided);
            assertThat(routed.hook()).isNull();
        }
        assertThat(log.find("shadow-7").toCompletableFuture().join()).isNull();
    }

    @Test
    void explorationStaysWithinItsRateGoesOnlyToNeighboursAndNeverOnForcedRequests() {
        LearningRouter router = router(LearningFixtures.settings(0.05, 0.1, 8));
        scoreOne(router, "team-a");
        int n = 20_000;
        Map<String, Integer> explored = new HashMap<>();
        int explores = 0;
        for (int i = 0; i < n; i++) {
            RouteDecision routed = router.route(exchange("team-a", "x-" + i, "p"), classified("small"), AUTO, CLUSTER_0,
                    false, 10).decision();
            if (routed.cause() == RouteCause.EXPLORE) {
                explores++;
                explored.merge(routed.tier(), 1, Integer::sum);
            } else {
                assertThat(routed.tier()).isEqualTo("small");
            }
            if (i % 100 == 99) {
                assertThat(explores).as("explored among the first %d", i + 1).isLessThanOrEqualTo((i + 1) / 20 + 1);
            }
        }
        // the rate is a bound: at most ceil(n * rate) of n requests explore, and exploring stops short of it
        // only where no neighbour is allowed
        assertThat(explores).isBetween((int) (0.05 * n) - 1, (int) Math.ceil(0.05 * n));
        assertThat(explored).containsOnlyKeys("mid");
        LoggedDecision logged = log.find("x-" + (n - 1)).toCompletableFuture().join();
        assertThat(logged.propensity()).isIn(0.95, 0.05);

        for (int i = 0; i < 2_000; i++) {
            RouteDecision decided = classified("mid");
            assertThat(router.route(exchange("team-a", "f-" + i, "p"), decided, AUTO, CLUSTER_0, true, 10).decision())
                    .isSameAs(decided);
            RouteDecision gated = new RouteDecision("auto", "mid", "m-mid", 0.1, RouteCause.GATE, null, List.of("tools"));
            assertThat(router.route(exchange("team-a", "g-" + i, "p"), gated, AUTO, CLUSTER_0, false, 10).decision())
                    .isSameAs(gated);
        }
        assertThat(log.find("f-1").toCompletableFuture().join().learnable()).isFalse();
        assertThat(log.find("f-1").toCompletableFuture().join().propensity()).isEqualTo(1.0);
    }

    @Test
    void aTierKnownToFallBelowTheQualityTargetInACellIsNeitherExploredNorLearned() {
        TeamLearning settings = LearningFixtures.settings(0.5, 1.0, 8);
        LearningRouter router = router(settings);
        for (int i = 0; i < 40; i++) {
            rewards.add("team-a", new Reward("auto/c0.mid", "small", 0.0, 0.25, 0.06, true));
            rewards.add("team-a", new Reward("auto/c0.mid", "mid", 1.0, 0.5, 0.16, true));
        }
        router.refresh("team-a").toCompletableFuture().join();
        for (int i = 0; i < 2_000; i++) {
            RouteDecision routed = router.route(exchange("team-a", "q-" + i, "p"), classified("mid"), AUTO, CLUSTER_0,
                    false, 10).decision();
            assertThat(routed.tier()).isNotEqualTo("small");
        }
    }

    @Test
    void feedbackCountsOncePerRequestAndOnlyForItsTeam() {
        LearningRouter router = router(LearningFixtures.settings(0.05, 0.1, 8));
        router.route(exchange("team-a", "req-1", "p"), classified("mid"), AUTO, CLUSTER_0, false, 10);
        assertThat(router.feedback("team-b", "req-1", 1.0, null).toCompletableFuture().join())
                .isEqualTo(LearningRouter.FeedbackOutcome.NOT_FOUND);
        assertThat(router.feedback("team-a", "req-1", 0.7, "secret").toCompletableFuture().join())
                .isEqualTo(LearningRouter.FeedbackOutcome.ACCEPTED);
        assertThat(router.feedback("team-a", "req-1", 0.1, null).toCompletableFuture().join())
                .isEqualTo(LearningRouter.FeedbackOutcome.ALREADY_SCORED);
        TeamStats stats = rewards.stats("team-a").toCompletableFuture().join();
        assertThat(stats.explicit()).isEqualTo(1);
        assertThat(stats.arm("auto/c0.mid", "mid").mean()).isEqualTo(0.7);
        assertThat(rewards.stats("team-b").toCompletableFuture().join().rewards()).isZero();
    }

    @Test
    void implicitSignalsBecomeOneZeroRewardPerRequest() {
        LearningRouter router = router(LearningFixtures.settings(0.0, 0.1, 8));
        Exchange truncated = exchange("team-a", "t-1", "write a long story");
        LearningRouter.Routed routed = router.route(truncated, classified("small"), AUTO, CLUSTER_0, false, 10);
        routed.hook().answered(completion("once upon", "length"));
        routed.hook().answered(completion("once upon", "length"));
        assertThat(arm("small").n()).isEqualTo(1);
        assertThat(arm("small").mean()).isEqualTo(0.0);

        router.route(exchange("team-a", "r-1", "same question"), classified("mid"), AUTO, CLUSTER_0, false, 10);
        router.route(exchange("team-a", "r-2", "same question"), classified("mid"), AUTO, CLUSTER_0, false, 10);
        assertThat(arm("mid").n()).isEqualTo(1);
        router.route(exchange("team-a", "r-3", "another question"), classified("mid"), AUTO, CLUSTER_0, false, 10);
        assertThat(arm("mid").n()).isEqualTo(1);

        ObjectNode schema = JsonNodeFactory.instance.objectNode();
        schema.putObject("schema").put("type", "object").putArray("required").add("name");
        LearningRouter.Routed json = router.route(exchange("team-a", "j-1", wantsJson(schema, "a person")),
                classified("frontier"), AUTO, CLUSTER_0, false, 10);
        json.hook().answered(completion("{\"name\": \"x\"}", "stop"));
        assertThat(arm("frontier").n()).isZero();
        LearningRouter.Routed broken = router.route(exchange("team-a", "j-2", wantsJson(schema, "another person")),
                classified("frontier"), AUTO, CLUSTER_0, false, 10);
        broken.hook().answered(completion("{\"other\": 1}", "stop"));
        assertThat(arm("frontier").n()).isEqualTo(1);
    }

    private static ChatRequest wantsJson(ObjectNode schema, String prompt) {
        return new ChatRequest("auto", List.of(Message.of("user", prompt)), null, null, null, null, null, null, null,
                null, null, null, null, new ResponseFormat("json_schema", schema), null, Map.of());
    }

    private ArmStats arm(String tier) {
        return rewards.stats("team-a").toCompletableFuture().join().arm("auto/c0." + tier, tier);
    }

    private static Answer completion(String text, String finishReason) {
        return new Answer.Complete(new ChatCompletion("c-1", ChatCompletion.OBJECT, 1L, "m", List.of(
                new ChatCompletion.Choice(0, Message.of("assistant", text), finishReason, Map.of())), null, null,
                Map.of()));
    }

    /** One explicit score for the team, which starts its learning. */
    private void scoreOne(LearningRouter router, String team) {
        router.route(exchange(team, "seed", "p"), classified("small"), AUTO, CLUSTER_0, false, 10);
        assertThat(router.feedback(team, "seed", 1.0, null).toCompletableFuture().join())
                .isEqualTo(LearningRouter.FeedbackOutcome.ACCEPTED);
        router.refresh(team).toCompletableFuture().join();
    }
}
