package dev.tiergate.cache.bench;

import dev.tiergate.inference.embedding.OnnxSentenceEmbedder;
import dev.tiergate.inference.embedding.TokenEmbedding;
import java.util.List;
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
 * The sentence embedding's CPU on one core (one intra-op thread) for a model call over 1, 4 and 16
 * chat prompts of 5 to 25 tokens: what the micro-batcher saves per prompt when that many misses
 * wait together. Time per call and the thread's CPU per call ({@link ThreadCpu}: {@code cpuMicros /
 * calls}); divide by {@code batch} for the cost per prompt. Run with
 * {@code bench/jmh.sh EmbeddingBatch}; results in docs/benchmarks.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"--enable-native-access=ALL-UNNAMED", "-Dai.djl.offline=true"})
public class EmbeddingBatchBenchmark {
    private static final List<String> PROMPTS = List.of(
            "How do I reset my password?", "What is the capital of Australia?",
            "Rewrite this sentence so it sounds friendlier to an upset customer.",
            "Summarise the following email in two bullet points.", "Translate 'see you tomorrow' into Spanish",
            "Write a Python function that checks whether a string is a palindrome.",
            "Why is the sky blue?", "What's the difference between a list and a tuple in Python?",
            "Give me three ideas for a team offsite in Berlin.", "Fix the grammar: me and him goes to the store yesterday",
            "How many days are there in a leap year?", "Explain recursion to a ten-year-old.",
            "Draft a polite reminder that the invoice is two weeks overdue.", "Convert 72 degrees Fahrenheit to Celsius",
            "What does HTTP status 429 mean?", "Suggest a name for a coffee shop near the university.");

    @Param({"1", "4", "16"})
    public int batch;

    private OnnxSentenceEmbedder embedder;
    private List<String> texts;

    @Setup(Level.Trial)
    public void setUp() {
        embedder = OnnxSentenceEmbedder.create();
        texts = PROMPTS.subList(0, batch);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        embedder.close();
    }

    /** One model call over {@code batch} prompts. */
    @Benchmark
    public List<TokenEmbedding> oneCall(ThreadCpu cpu) {
        cpu.start();
        List<TokenEmbedding> runs = embedder.embedTokens(texts);
        cpu.stop();
        return runs;
    }

    /** The same prompts one call each, as without the batcher. */
    @Benchmark
    public int oneCallEach(ThreadCpu cpu) {
        cpu.start();
        int tokens = 0;
        for (String text : texts) {
            tokens += embedder.embedTokens(text).tokens().length;
        }
        cpu.stop();
        return tokens;
    }
}
