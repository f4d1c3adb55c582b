package dev.tiergate.cache.bench;

import dev.tiergate.cache.exact.ExactCacheSettings;
import dev.tiergate.cache.exact.ExactCacheStage;
import dev.tiergate.cache.testing.ScriptedUpstream;
import dev.tiergate.core.config.TeamConfig;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.ChatRequestParser;
import dev.tiergate.core.pipeline.Answer;
import dev.tiergate.core.pipeline.CacheDirectives;
import dev.tiergate.core.pipeline.Caller;
import dev.tiergate.core.pipeline.Deadline;
import dev.tiergate.core.pipeline.Exchange;
import dev.tiergate.core.pipeline.Pipeline;
import dev.tiergate.core.pipeline.StageObserver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
    private Pipeline hits;
    private Pipeline misses;
    private ChatRequest plain;
    private ChatRequest stream;
    private long next;

    @Setup(Level.Trial)
    public void setUp() {
        executor = Executors.newSingleThreadScheduledExecutor();
        ExactCacheStage stage = ExactCacheStage.of(ExactCacheSettings.defaults());
        hits = Pipeline.of(List.of(stage), new ScriptedUpstream(), StageObserver.NONE);
        Answer answer = ScriptedUpstream.plainAnswer(1);
        misses = Pipeline.of(List.of(stage), exchange -> {
            exchange.facts().served().setIfAbsent(ScriptedUpstream.ORIGIN);
            return CompletableFuture.completedFuture(answer);
        }, StageObserver.NONE);
        plain = parse(BODY);
        stream = parse(BODY.replace("{\"model\"", "{\"stream\":true,\"model\""));
        hits.answer(exchange(plain)).toCompletableFuture().join();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        executor.shutdownNow();
    }

    /** A repeated plain request answered from the cache: a new exchange, key, lookup, a fresh id and created. */
    @Benchmark
    public Answer plainHit() {
        return hits.answer(exchange(plain)).toCompletableFuture().join();
    }

    /** A repeated stream request replayed from the cache, every chunk consumed. */
    @Benchmark
    public Object streamHit() {
        Answer answer = hits.answer(exchange(stream)).toCompletableFuture().join();
        return ((Answer.Stream) answer).chunks().collectList().block();
    }

    /**
     * A request not seen before: parsing it, its canonical key, the lookup, an instant upstream
     * answer and storing it (the cache's bound evicts as it fills). The parse is the server's work,
     * measured here too so the figure is what a miss costs end to end minus the network.
     */
    @Benchmark
    public Answer plainMissWithParse() {
        return misses.answer(exchange(parse(BODY.replace("France", "France " + next++)))).toCompletableFuture().join();
    }

    private static ChatRequest parse(String body) {
        return ChatRequestParser.parseChat(body.getBytes(StandardCharsets.UTF_8));
    }

    private Exchange exchange(ChatRequest request) {
        Caller caller = new Caller(new TeamConfig("bench", List.of(), Set.of("*"), null, Map.of()), "key-bench");
        return Exchange.of("req-bench", caller, request, CacheDirectives.NONE, executor,
                Deadline.in(Duration.ofSeconds(30)));
    }
}
