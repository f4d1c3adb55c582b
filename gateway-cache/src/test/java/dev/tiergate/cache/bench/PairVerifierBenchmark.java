package dev.tiergate.cache.bench;

import dev.tiergate.cache.semantic.lsh.Vectors;
import dev.tiergate.cache.semantic.sealing.CacheKeys;
import dev.tiergate.cache.semantic.verify.AlignmentFeatures;
import dev.tiergate.cache.semantic.verify.OnnxPairVerifier;
import dev.tiergate.cache.semantic.verify.PromptEvidence;
import dev.tiergate.inference.embedding.OnnxSentenceEmbedder;
import dev.tiergate.inference.embedding.TokenEmbedding;
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
 * The pair verifier's CPU per candidate on one core: what the semantic cache does for each
 * candidate above the floor (open the sealed evidence, parse it, compute the alignment features,
 * run the ONNX classifier), and its parts; plus the query's evidence, made once per lookup that
 * has candidates. Prompts of a short chat question, of a longer request, and two requests past the
 * evidence's 96-token cap (the worst case: a 96 x 96 token similarity matrix). Run with
 * {@code bench/jmh.sh PairVerifier}; results in docs/semantic-cache.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"--enable-native-access=ALL-UNNAMED", "-Dai.djl.offline=true"})
public class PairVerifierBenchmark {
    @Param({"short", "long", "cap"})
    public String prompts;

    private OnnxPairVerifier verifier;
    private CacheKeys keys;
    private TokenEmbedding queryRun;
    private String queryText;
    private PromptEvidence query;
    private PromptEvidence candidate;
    private byte[] sealedCandidate;
    private double cosine;
    private float[][] row;

    /** Two requests of well over 96 tokens each (about 120 and 110 MiniLM tokens). */
    public static final String CAP_QUERY = "Please rewrite the following customer announcement so that it sounds more"
            + " formal, concise and friendly, keeping every number, product name and date exactly as written, and"
            + " end it with a short apology: our engineering team will ship the new billing dashboard for the"
            + " Enterprise and Team plans on March 3rd, about two weeks later than we promised in January, because"
            + " the payment provider changed its invoicing API without notice and we had to rebuild the export of"
            + " monthly statements, the tax reports for Germany and France, and the reminders sent to customers"
            + " whose cards expire within thirty days; until then, invoices can still be downloaded from settings.";
    public static final String CAP_CANDIDATE = "Rewrite this announcement for customers to be more formal, shorter and"
            + " warmer, keep the numbers, the product names and the dates as they are, and finish with a brief"
            + " apology: the engineers ship the new billing dashboard for Enterprise and Team on March 5th, two"
            + " weeks after the date announced in January, since the payment provider changed the invoicing API"
            + " with no warning and the export of monthly statements, the German and French tax reports and the"
            + " reminders for cards that expire within thirty days had to be rebuilt; invoices stay available in"
            + " the settings page until then.";

    @Setup(Level.Trial)
    public void setUp() {
        String[] pair = pair(prompts);
        try (OnnxSentenceEmbedder embedder = OnnxSentenceEmbedder.create()) {
            queryText = pair[0];
            queryRun = embedder.embedTokens(pair[0]);
            TokenEmbedding candidateRun = embedder.embedTokens(pair[1]);
            query = PromptEvidence.of(pair[0], queryRun);
            candidate = PromptEvidence.of(pair[1], candidateRun);
            cosine = Vectors.dot(queryRun.vector(), candidateRun.vector());
        }
        verifier = OnnxPairVerifier.load();
        keys = CacheKeys.of(CacheKeys.randomKey());
        sealedCandidate = keys.seal(candidate.toBytes(), "partition:s");
        row = new float[][] {AlignmentFeatures.of(query, candidate, cosine)};
    }

    /** The (query, candidate) prompts of a {@code prompts} parameter: short, long or cap. */
    static String[] pair(String prompts) {
        return "short".equals(prompts)
                ? new String[] {"how do I sort a list in Python", "what is the way to sort a list in Java?"}
                : "cap".equals(prompts) ? new String[] {CAP_QUERY, CAP_CANDIDATE}
                : new String[] {"Please rewrite the following paragraph so that it sounds more formal and concise,"
                        + " keeping every number and date exactly as written: our team will ship the new billing"
                        + " dashboard on March 3rd, two weeks late, because the payment provider changed its API.",
                        "Rewrite this paragraph to be more formal and shorter, keep the numbers and dates: the team"
                                + " ships the new billing dashboard on March 5th, two weeks late, since the payment"
                                + " provider changed its API."};
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        verifier.close();
    }

    /** Everything the stage does per candidate above the floor (and its thread's CPU time: {@link ThreadCpu}). */
    @Benchmark
    public double perCandidate(ThreadCpu cpu) {
        cpu.start();
        PromptEvidence stored = PromptEvidence.fromBytes(keys.open(sealedCandidate, "partition:s"));
        double p = verifier.probability(query, stored, cosine);
        cpu.stop();
        return p;
    }

    @Benchmark
    public float[] alignmentFeatures() {
        return AlignmentFeatures.of(query, candidate, cosine);
    }

    @Benchmark
    public float[] classifier() {
        return verifier.predict(row);
    }

    /** Once per lookup with candidates (and per stored entry): the query's quantised token states. */
    @Benchmark
    public PromptEvidence queryEvidence() {
        return PromptEvidence.of(queryText, queryRun);
    }
}
