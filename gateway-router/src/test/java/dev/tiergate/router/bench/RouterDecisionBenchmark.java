package dev.tiergate.router.bench;

import dev.tiergate.core.config.AliasConfig;
import dev.tiergate.core.routing.RouteDecision;
import dev.tiergate.core.tokens.TokenCounter;
import dev.tiergate.inference.tokens.JtokkitTokenCounter;
import dev.tiergate.router.classifier.Classification;
import dev.tiergate.router.classifier.OnnxComplexityClassifier;
import dev.tiergate.router.classifier.RequestShape;
import dev.tiergate.router.classifier.StructuralFeatures;
import dev.tiergate.router.policy.GateSettings;
import dev.tiergate.router.policy.Gates;
import dev.tiergate.router.policy.TeamRoutingPolicy;
import dev.tiergate.router.policy.Thresholds;
import dev.tiergate.router.policy.TierPolicy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * What the routing decision costs on top of the shared sentence embedding: the structural features
 * (with their token count), the committed ONNX classifier run through DJL, and the tier policy, for
 * a short and a long prompt. Run with {@code BENCH_MODULE=gateway-router bench/jmh.sh}; see
 * docs/routing.md. Not a test: nothing here runs under {@code ./mvnw verify}.
 */
@State(Scope.Benchmark)
@Fork(1)
public class RouterDecisionBenchmark {
    private static final String SHORT = "Rewrite this sentence to sound more polite: Send me the report now.";
    private static final String LONG = ("Design a globally distributed payment system that guarantees exactly-once "
            + "settlement across regions; explain partitioning, consistency and recovery. ").repeat(12);

    @Param({"short", "long"})
    public String prompt;

    private OnnxComplexityClassifier classifier;
    private TokenCounter tokens;
    private float[] embedding;
    private String text;
    private Thresholds thresholds;
    private AliasConfig alias;
    private Gates.Result gates;

    @Setup
    public void setUp() {
        tokens = JtokkitTokenCounter.cl100k();
        classifier = OnnxComplexityClassifier.load(tokens);
        thresholds = Thresholds.of(classifier.spec().thresholdMid(), classifier.spec().thresholdFrontier());
        text = "short".equals(prompt) ? SHORT : LONG;
        embedding = BenchVectors.unitVector(classifier.embeddingDimensions(), 7);
        Map<String, List<String>> tiers = new LinkedHashMap<>();
        tiers.put("small", List.of("s"));
        tiers.put("mid", List.of("m"));
        tiers.put("frontier", List.of("f"));
        alias = new AliasConfig("auto", tiers, "mid");
        gates = Gates.evaluate(new RequestShape(1, 100, false, false, false), GateSettings.defaults());
    }

    @TearDown
    public void tearDown() {
        classifier.close();
    }

    /** Structural features + ONNX classifier + tier policy: everything after the embedding. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 3, time = 2)
    @Measurement(iterations = 5, time = 2)
    public RouteDecision decision() {
        Classification c = classifier.classify(embedding, text);
        return TierPolicy.decide(TeamRoutingPolicy.defaults(), thresholds, c, gates, "auto", alias);
    }

    /** The structural features alone (their token count included): the part of the decision that grows with the prompt. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 3, time = 2)
    @Measurement(iterations = 5, time = 2)
    public float[] structuralFeatures() {
        return StructuralFeatures.of(text, tokens);
    }
}
