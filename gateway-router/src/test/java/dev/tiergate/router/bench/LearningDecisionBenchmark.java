package dev.tiergate.router.bench;

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
import dev.tiergate.router.learning.InMemoryDecisionLog;
import dev.tiergate.router.learning.InMemoryRewardStore;
import dev.tiergate.router.learning.LearningRouter;
import dev.tiergate.router.learning.PromptClusters;
import dev.tiergate.router.learning.Reward;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the learning router adds to a routing decision (issue 19's target: under 0.2 ms): the
 * nearest of the 16 shipped cluster centroids, the team's bandit over a learned policy, the decision
 * logged in the in-memory log, the hashed context fingerprint and the answer's watch. Run with
 * {@code BENCH_MODULE=gateway-router bench/jmh.sh LearningDecisionBenchmark}; see docs/routing.md.
 * With Redis, logging is one asynchronous write on top (never awaited by the decision).
 */
@State(Scope.Benchmark)
@Fork(1)
public class LearningDecisionBenchmark {
    private LearningRouter router;
    private AliasConfig alias;
    private float[] embedding;
    private String prompt;
    private TeamConfig team;
    private ScheduledExecutorService loop;
    private RouteDecision decided;
    private long next;

    @Setup
    public void setUp() {
        PromptClusters clusters = PromptClusters.load();
        InMemoryRewardStore rewards = new InMemoryRewardStore();
        router = LearningRouter.builder(clusters,
                new InMemoryDecisionLog(Duration.ofHours(1), 200_000, 200_000, Clock.systemUTC()), rewards).build();
        Map<String, List<String>> tiers = new LinkedHashMap<>();
        tiers.put("small", List.of("s"));
        tiers.put("mid", List.of("m"));
        tiers.put("frontier", List.of("f"));
        alias = new AliasConfig("auto", tiers, "mid");
        embedding = BenchVectors.unitVector(384, 7);
        int cluster = clusters.nearest(embedding);
        String cell = "auto/c" + cluster + ".mid";
        for (int i = 0; i < 400; i++) {
            rewards.add("bench", new Reward(cell, "mid", i % 5 == 0 ? 0 : 1, 0.95, 0.16, true));
            rewards.add("bench", new Reward(cell, "small", i % 6 == 0 ? 0 : 1, 0.025, 0.06, true));
        }
        router.refresh("bench").toCompletableFuture().join();
        team = new TeamConfig("bench", List.of(), Set.of("*"), "auto", Map.of());
        prompt = "Rewrite this sentence to sound more polite: Send me the report now. (";
        loop = Executors.newSingleThreadScheduledExecutor();
        decided = new RouteDecision("auto", "mid", "m", 0.3, RouteCause.CLASSIFIER, null, null);
    }

    @TearDown
    public void tearDown() {
        loop.shutdownNow();
    }

    /**
     * Cluster, bandit, decision log, fingerprint and answer watch of one learnable request (each with
     * its own prompt, so no request is a regeneration of the one before).
     */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 3, time = 2)
    @Measurement(iterations = 5, time = 2)
    public LearningRouter.Routed learnedDecision() {
        long n = next++;
        ChatRequest request = ChatRequest.of("auto", List.of(Message.of("user", prompt + n + ")")));
        Exchange exchange = Exchange.of("req-" + n, new Caller(team, "k"), request, CacheDirectives.NONE, loop,
                Deadline.in(Duration.ofSeconds(30)));
        return router.route(exchange, decided, alias, embedding, false, 20);
    }
}
