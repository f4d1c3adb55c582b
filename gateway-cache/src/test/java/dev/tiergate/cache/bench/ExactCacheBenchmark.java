package dev.tiergate.cache.bench;

import dev.tiergate.cache.exact.ExactCacheSettings;
import dev.tiergate.cache.exact.ExactCacheStage;
import dev.tiergate.cache.testing.FakeUpstream;
import dev.tiergate.core.config.TeamConfig;
import dev.tiergate.core.model.ChatRequestParser;
import dev.tiergate.core.pipeline.Caller;
import dev.tiergate.core.pipeline.ChatExchange;
import dev.tiergate.core.pipeline.ChatResult;
import dev.tiergate.core.pipeline.PipelineStage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The exact cache's own cost: the time from a parsed request to the stored answer (a hit, plain
 * and streamed), and to the canonical key of a miss. Run with {@code bench/jmh.sh}; see
 * docs/benchmarks.md. Not a test: nothing here runs under {@code ./mvnw verify}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ExactCacheBenchmark {
    private static final String BODY = """
            {"model":"gpt-4o-mini","temperature":0.2,"max_tokens":256,"messages":[
              {"role":"system","content":"You are a helpful assistant that answers briefly."},
              {"role":"user","content":"What is the capital of France, and why is it there?"}]}""";

    private ScheduledExecutorService executor;
    private ExactCacheStage stage;
    private FakeUpstream upstream;
    private ChatExchange plainHit;
    private ChatExchange streamHit;
    private PipelineStage.StageChain instantUpstream;
    private long next;

    @Setup(Level.Trial)
    public void setUp() {
        executor = Executors.newSingleThreadScheduledExecutor();
        stage = ExactCacheStage.of(ExactCacheSettings.defaults());
        upstream = new FakeUpstream();
        plainHit = exchange(BODY);
        streamHit = exchange(BODY.replace("{\"model\"", "{\"stream\":true,\"model\""));
        stage.handle(plainHit, upstream).toCompletableFuture().join();
        ChatResult answer = FakeUpstream.plainAnswer(1);
        instantUpstream = exchange -> CompletableFuture.completedFuture(answer);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        executor.shutdownNow();
    }

    /** A repeated plain request answered from the cache: key, lookup, a fresh id and created. */
    @Benchmark
    public ChatResult plainHit() {
        return stage.handle(plainHit, upstream).toCompletableFuture().join();
    }

    /** A repeated stream request replayed from the cache, every chunk consumed. */
    @Benchmark
    public Object streamHit() {
        ChatResult result = stage.handle(streamHit, upstream).toCompletableFuture().join();
        return ((ChatResult.Streaming) result).chunks().collectList().block();
    }

    /**
     * A request not seen before: parsing it, its canonical key, the lookup, an instant upstream
     * answer and storing it (the cache's bound evicts as it fills). The parse is the server's work,
     * measured here too so the figure is what a miss costs end to end minus the network.
     */
    @Benchmark
    public ChatResult plainMissWithParse() {
        ChatExchange miss = exchange(BODY.replace("France", "France " + next++));
        return stage.handle(miss, instantUpstream).toCompletableFuture().join();
    }

    private ChatExchange exchange(String body) {
        Caller caller = new Caller(new TeamConfig("bench", List.of(), Set.of("*"), null, Map.of()), "key-bench");
        return ChatExchange.of("req-bench", caller, ChatRequestParser.parseChat(body.getBytes(StandardCharsets.UTF_8)),
                Map.of(), executor);
    }
}
