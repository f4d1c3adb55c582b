package dev.tiergate.cache.bench;

import dev.tiergate.cache.semantic.SemanticCacheSettings;
import dev.tiergate.cache.semantic.SemanticCacheStage;
import dev.tiergate.cache.semantic.SemanticTeamSettings;
import dev.tiergate.cache.semantic.store.InMemorySemanticStore;
import dev.tiergate.cache.semantic.verify.OnnxPairVerifier;
import dev.tiergate.cache.testing.ScriptedUpstream;
import dev.tiergate.core.config.TeamConfig;
import dev.tiergate.core.model.ChatRequestParser;
import dev.tiergate.core.pipeline.Caller;
import dev.tiergate.core.pipeline.Deadline;
import dev.tiergate.core.pipeline.Exchange;
import dev.tiergate.core.pipeline.StageStep;
import dev.tiergate.inference.embedding.OnnxSentenceEmbedder;
import dev.tiergate.inference.embedding.TokenEmbedder;
import dev.tiergate.inference.embedding.TokenEmbedding;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The semantic cache stage's own work after the embedding, with and without the pair verifier, on
 * the in-memory store and one thread: a miss with no candidate above the floor (an unrelated entry
 * is stored), a hit (a paraphrase is stored), and a miss in a crowded partition: {@value #CROWD}
 * stored prompts of one template that differ only in a number, as templated traffic (and
 * {@code run.sh --unique}) sends, so that every lookup opens {@value #CROWD} candidates above the
 * floor and verifies the closest few. The embedding is the same model run either way (one
 * run gives the vector and the token states), so it is precomputed here and left out; the
 * difference between the two settings is what the verifier adds. Run with
 * {@code bench/jmh.sh SemanticStage}; results in docs/semantic-cache.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"--enable-native-access=ALL-UNNAMED", "-Dai.djl.offline=true"})
public class SemanticStageBenchmark {
    private static final String STORED = "how do I reset my Gmail password";
    private static final String PARAPHRASE = "I forgot my Gmail password, how can I change it";
    private static final String UNRELATED = "write a haiku about autumn leaves";
    /** Stored prompts of the crowded partition (a store's lookup reads at most 64 candidates). */
    static final int CROWD = 64;
    private static final String TEMPLATE = "What is the capital of France? Answer in one sentence. (1764693223-1-%d)";
    private static final String CROWDED = String.format(TEMPLATE, CROWD + 1);
    private static final Caller TEAM = new Caller(new TeamConfig("team-a", List.of(), Set.of("*"), null, Map.of()),
            "key-team-a");

    @Param({"verifier", "cosine-guards"})
    public String mode;

    private OnnxPairVerifier verifier;
    private ScheduledExecutorService eventLoop;
    private SemanticCacheStage stage;
    private SemanticCacheStage crowdedStage;

    /** Token runs computed once with the real model, served from memory. */
    private static final class PrecomputedEmbedder implements TokenEmbedder {
        private final Map<String, TokenEmbedding> runs = new HashMap<>();
        private final String modelId;

        PrecomputedEmbedder(OnnxSentenceEmbedder real, String... texts) {
            this.modelId = real.modelId();
            for (String text : texts) {
                runs.put(text, real.embedTokens(text));
            }
        }

        @Override
        public TokenEmbedding embedTokens(String text) {
            return runs.get(text);
        }

        @Override
        public float[] embed(String text) {
            return runs.get(text).vector();
        }

        @Override
        public String modelId() {
            return modelId;
        }

        @Override
        public int dimensions() {
            return 384;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        PrecomputedEmbedder embedder;
        List<String> texts = new java.util.ArrayList<>(List.of(STORED, PARAPHRASE, UNRELATED, CROWDED));
        for (int i = 1; i <= CROWD; i++) {
            texts.add(String.format(TEMPLATE, i));
        }
        try (OnnxSentenceEmbedder real = OnnxSentenceEmbedder.create()) {
            embedder = new PrecomputedEmbedder(real, texts.toArray(String[]::new));
        }
        eventLoop = Executors.newSingleThreadScheduledExecutor();
        boolean verified = "verifier".equals(mode);
        SemanticCacheSettings settings = SemanticCacheSettings.builder()
                .defaults(SemanticTeamSettings.builder().threshold(verified ? 0.70 : 0.88).build())
                .guards(verified ? Set.of() : SemanticCacheSettings.DEFAULT_GUARDS)
                .build();
        if (verified) {
            verifier = OnnxPairVerifier.load();
        }
        stage = stage(embedder, settings);
        store(stage, STORED);
        if (!(stage.before(exchange(PARAPHRASE)).toCompletableFuture().join() instanceof StageStep.Respond)) {
            throw new IllegalStateException("the paraphrase should hit");
        }
        crowdedStage = stage(embedder, settings);
        for (int i = 1; i <= CROWD; i++) {
            store(crowdedStage, String.format(TEMPLATE, i));
        }
    }

    private SemanticCacheStage stage(TokenEmbedder embedder, SemanticCacheSettings settings) {
        SemanticCacheStage.Builder builder = SemanticCacheStage.builder(embedder, InMemorySemanticStore.create(),
                Runnable::run).settings(settings);
        if (verifier != null) {
            builder.verifier(verifier);
        }
        return builder.build();
    }

    /** Stores an answer to {@code prompt}, as a miss's hook does. */
    private void store(SemanticCacheStage into, String prompt) {
        Exchange exchange = exchange(prompt);
        StageStep step = into.before(exchange).toCompletableFuture().join();
        if (!(step instanceof StageStep.Proceed miss) || miss.after() == null) {
            throw new IllegalStateException("expected a miss that records: " + step);
        }
        exchange.facts().served().set(ScriptedUpstream.ORIGIN);
        miss.after().answered(ScriptedUpstream.plain("Paris is the capital of France.", "stop"));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        eventLoop.shutdownNow();
        if (verifier != null) {
            verifier.close();
        }
    }

    @Benchmark
    public StageStep missWithoutCandidates(ThreadCpu cpu) {
        cpu.start();
        StageStep step = stage.before(exchange(UNRELATED)).toCompletableFuture().join();
        cpu.stop();
        return step;
    }

    @Benchmark
    public StageStep hit(ThreadCpu cpu) {
        cpu.start();
        StageStep step = stage.before(exchange(PARAPHRASE)).toCompletableFuture().join();
        cpu.stop();
        return step;
    }

    /** A miss whose partition holds {@value #CROWD} prompts of its template. */
    @Benchmark
    public StageStep crowdedMiss(ThreadCpu cpu) {
        cpu.start();
        StageStep step = crowdedStage.before(exchange(CROWDED)).toCompletableFuture().join();
        cpu.stop();
        return step;
    }

    private Exchange exchange(String prompt) {
        String body = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}";
        return Exchange.of("bench", TEAM, ChatRequestParser.parseChat(body.getBytes(StandardCharsets.UTF_8)),
                ScriptedUpstream.directives(Map.of()), eventLoop, Deadline.in(Duration.ofSeconds(10)));
    }
}
