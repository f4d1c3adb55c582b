package dev.tiergate.router.learning;

import dev.tiergate.core.config.AliasConfig;
import dev.tiergate.core.config.TeamConfig;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.Message;
import dev.tiergate.core.pipeline.CacheDirectives;
import dev.tiergate.core.pipeline.Caller;
import dev.tiergate.core.pipeline.Deadline;
import dev.tiergate.core.pipeline.Exchange;
import dev.tiergate.core.routing.RouteCause;
import dev.tiergate.core.routing.RouteDecision;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** Two clusters in a 2-d embedding, the alias auto with three tiers, exchanges and static decisions. */
final class LearningFixtures {
    static final float[] CLUSTER_0 = {1, 0};
    static final float[] CLUSTER_1 = {0, 1};
    static final AliasConfig AUTO = alias();
    private static final ScheduledExecutorService LOOP = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "learning-test-loop");
        t.setDaemon(true);
        return t;
    });

    private LearningFixtures() {
    }

    static PromptClusters clusters() {
        return new PromptClusters("test-clusters", "test-embedding", new float[][] {CLUSTER_0, CLUSTER_1});
    }

    private static AliasConfig alias() {
        Map<String, List<String>> tiers = new LinkedHashMap<>();
        tiers.put("small", List.of("m-small"));
        tiers.put("mid", List.of("m-mid"));
        tiers.put("frontier", List.of("m-frontier"));
        return new AliasConfig("auto", tiers, "mid");
    }

    static Exchange exchange(String team, String requestId, String prompt) {
        return exchange(team, requestId, ChatRequest.of("auto", List.of(Message.of("user", prompt))));
    }

    static Exchange exchange(String team, String requestId, ChatRequest request) {
        TeamConfig config = new TeamConfig(team, List.of(), Set.of("*"), "auto", Map.of());
        return Exchange.of(requestId, new Caller(config, "key-" + team), request, CacheDirectives.NONE, LOOP,
                Deadline.in(Duration.ofSeconds(30)));
    }

    static RouteDecision classified(String tier) {
        return new RouteDecision("auto", tier, "m-" + tier, 0.3, RouteCause.CLASSIFIER, null, null);
    }

    static TeamLearning settings(double exploreRate, double costWeight, int minSamples) {
        return new TeamLearning(true, exploreRate, costWeight, 0.95, minSamples, 1.64, false,
                ImplicitSignals.defaults());
    }

    static LearningSettings forAll(TeamLearning team) {
        LearningSettings d = LearningSettings.defaults();
        return new LearningSettings(team, Map.of(), d.decisionTtl(), d.maxDecisionsPerTeam(), Duration.ofMillis(0));
    }
}
