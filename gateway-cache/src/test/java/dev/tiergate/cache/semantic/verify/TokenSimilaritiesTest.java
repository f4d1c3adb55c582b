package dev.tiergate.cache.semantic.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tiergate.cache.bench.PairVerifierBenchmark;
import dev.tiergate.inference.embedding.OnnxSentenceEmbedder;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The one-pass token similarities equal the scalar reference bit for bit (so the verifier's features,
 * and its validation figures, are unchanged), on validation pairs and on two prompts past the
 * 96-token cap; and, behind a flag, their CPU against the scalar loop.
 */
class TokenSimilaritiesTest {
    private static final String CAP_QUERY = PairVerifierBenchmark.CAP_QUERY;
    private static final String CAP_CANDIDATE = PairVerifierBenchmark.CAP_CANDIDATE;

    private static OnnxSentenceEmbedder embedder;

    @BeforeAll
    static void load() {
        embedder = OnnxSentenceEmbedder.create();
    }

    @AfterAll
    static void close() {
        embedder.close();
    }

    private static PromptEvidence evidence(String text) {
        return PromptEvidence.of(text, embedder.embedTokens(text));
    }

    /** The scalar reference: every pair of tokens through {@link PromptEvidence#similarity}. */
    private static double[][] scalar(PromptEvidence query, PromptEvidence candidate) {
        double[] q = new double[query.tokens().length];
        double[] c = new double[candidate.tokens().length];
        Arrays.fill(q, -1);
        Arrays.fill(c, -1);
        for (int i = 0; i < q.length; i++) {
            for (int j = 0; j < c.length; j++) {
                double s = query.similarity(i, candidate, j);
                q[i] = Math.max(q[i], s);
                c[j] = Math.max(c[j], s);
            }
        }
        return new double[][] {q, c};
    }

    private static double[][] onePass(PromptEvidence query, PromptEvidence candidate) {
        double[] q = new double[query.tokens().length];
        double[] c = new double[candidate.tokens().length];
        TokenSimilarities.best(query, candidate, q, c);
        return new double[][] {q, c};
    }

    @Test
    void equalsTheScalarReferenceBitForBitOnValidationPairsAndAtTheCap() throws IOException {
        List<String[]> pairs = new ArrayList<>();
        pairs.add(new String[] {CAP_QUERY, CAP_CANDIDATE});
        pairs.add(new String[] {"hi", CAP_QUERY});
        ObjectMapper json = new ObjectMapper();
        List<String> lines = Files.readAllLines(Path.of("training/data/validation-chat.jsonl"));
        for (int i = 0; i < lines.size(); i += 20) {
            JsonNode pair = json.readTree(lines.get(i));
            pairs.add(new String[] {pair.get("a").asText(), pair.get("b").asText()});
        }
        for (String[] pair : pairs) {
            PromptEvidence query = evidence(pair[0]);
            PromptEvidence candidate = evidence(pair[1]);
            double[][] expected = scalar(query, candidate);
            double[][] actual = onePass(query, candidate);
            assertThat(actual[0]).as(pair[0]).containsExactly(expected[0]);
            assertThat(actual[1]).as(pair[1]).containsExactly(expected[1]);
        }
        PromptEvidence capped = evidence(CAP_QUERY);
        assertThat(capped.tokens()).hasSize(PromptEvidence.MAX_TOKENS);
        assertThat(evidence(CAP_CANDIDATE).tokens()).hasSize(PromptEvidence.MAX_TOKENS);
    }

    /**
     * A lookup compares one query with several candidates in a row (its states widened once for
     * them); a candidate then becoming a query, and a query of another length after a longer one,
     * still give the reference.
     */
    @Test
    void aQueryComparedWithSeveralCandidatesInARowAndThenTheirTurnAsQueries() {
        PromptEvidence query = evidence("how do I reset my Gmail password");
        List<PromptEvidence> candidates = List.of(evidence("I forgot my Gmail password, how can I change it"),
                evidence("hi"), evidence(CAP_CANDIDATE), evidence("how do I reset my Yahoo password"));
        for (PromptEvidence candidate : candidates) {
            assertThat(onePass(query, candidate)).isDeepEqualTo(scalar(query, candidate));
        }
        for (PromptEvidence asQuery : candidates) {
            assertThat(onePass(asQuery, query)).isDeepEqualTo(scalar(asQuery, query));
            assertThat(onePass(asQuery, candidates.getFirst())).isDeepEqualTo(scalar(asQuery, candidates.getFirst()));
        }
        assertThat(onePass(query, candidates.get(2))).isDeepEqualTo(scalar(query, candidates.get(2)));
    }

    @Test
    void aSideWithoutTokensLeavesTheOtherUnaligned() {
        PromptEvidence empty = new PromptEvidence("", new String[0], new byte[0], new float[0], 384);
        PromptEvidence some = evidence("reset my password");
        double[][] best = onePass(some, empty);
        assertThat(best[0]).containsOnly(-1.0);
        assertThat(best[1]).isEmpty();
    }

    /**
     * CPU of one 96 x 96 matrix and of the whole per-candidate work at the cap, scalar against one
     * pass, interleaved in one JVM so that both see the same machine load; thread CPU time.
     * {@code -Dtiergate.measure.verifier=true}.
     */
    @Test
    @EnabledIfSystemProperty(named = "tiergate.measure.verifier", matches = "true")
    void measureCpuAtTheCap() {
        PromptEvidence query = evidence(CAP_QUERY);
        PromptEvidence candidate = evidence(CAP_CANDIDATE);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        int calls = 400;
        long[] scalarNanos = new long[8];
        long[] onePassNanos = new long[8];
        long[] featureNanos = new long[8];
        double sink = 0;
        for (int round = 0; round < scalarNanos.length; round++) {
            long t0 = threads.getCurrentThreadCpuTime();
            for (int k = 0; k < calls; k++) {
                sink += scalar(query, candidate)[0][0];
            }
            long t1 = threads.getCurrentThreadCpuTime();
            for (int k = 0; k < calls; k++) {
                sink += onePass(query, candidate)[0][0];
            }
            long t2 = threads.getCurrentThreadCpuTime();
            for (int k = 0; k < calls; k++) {
                sink += AlignmentFeatures.of(query, candidate, 0.9)[1];
            }
            long t3 = threads.getCurrentThreadCpuTime();
            scalarNanos[round] = (t1 - t0) / calls;
            onePassNanos[round] = (t2 - t1) / calls;
            featureNanos[round] = (t3 - t2) / calls;
        }
        String report = String.format(Locale.ROOT, "96 x 96 tokens, thread CPU per call, median of the last 4 of"
                        + " %d rounds of %d: scalar matrix %d us, one-pass matrix %d us, all features %d us (sink %s)",
                scalarNanos.length, calls, median(scalarNanos) / 1000, median(onePassNanos) / 1000,
                median(featureNanos) / 1000, sink > 0);
        System.out.println(report);
    }

    private static long median(long[] rounds) {
        long[] last = Arrays.copyOfRange(rounds, rounds.length / 2, rounds.length);
        Arrays.sort(last);
        return last[last.length / 2];
    }
}
