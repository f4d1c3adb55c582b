package dev.tiergate.cache.semantic.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tiergate.cache.semantic.guard.PromptFeatures;
import dev.tiergate.inference.embedding.OnnxSentenceEmbedder;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Judging a lookup's candidates together (the query's side once, one model call) gives what judging
 * each alone gives: the same features bit for bit, and the same probabilities within the float
 * tolerance of one classifier call over several rows.
 */
class OnnxPairVerifierTest {
    private static final String QUERY = "How do I reset my Gmail password? It is 12 characters long";
    private static final List<String> CANDIDATES = List.of(
            "I forgot my Gmail password, how can I change it",
            "How do I reset my Outlook password?",
            "How do I not reset my Gmail password? It is 14 characters long",
            "write a haiku about autumn leaves");

    private static OnnxSentenceEmbedder embedder;
    private static OnnxPairVerifier verifier;

    @BeforeAll
    static void load() {
        embedder = OnnxSentenceEmbedder.create();
        verifier = OnnxPairVerifier.load();
    }

    @AfterAll
    static void close() {
        verifier.close();
        embedder.close();
    }

    private static PromptEvidence evidence(String text) {
        return PromptEvidence.of(text, embedder.embedTokens(text));
    }

    @Test
    void aQuerySideComputedOnceGivesTheSameFeaturesBitForBit() {
        PromptEvidence query = evidence(QUERY);
        AlignmentFeatures.Side side = AlignmentFeatures.Side.of(query, PromptFeatures.of(QUERY));
        for (String text : CANDIDATES) {
            PromptEvidence candidate = evidence(text);
            assertThat(AlignmentFeatures.of(side, AlignmentFeatures.Side.of(candidate), 0.8))
                    .as(text)
                    .containsExactly(AlignmentFeatures.of(query, candidate, 0.8));
        }
    }

    @Test
    void candidatesJudgedTogetherGetWhatEachGetsAlone() {
        PromptEvidence query = evidence(QUERY);
        List<PromptEvidence> candidates = CANDIDATES.stream().map(OnnxPairVerifierTest::evidence).toList();
        double[] cosines = {0.91, 0.83, 0.88, 0.71};
        double[] together = verifier.probabilities(AlignmentFeatures.Side.of(query),
                candidates.stream().map(AlignmentFeatures.Side::of).toList(), cosines);
        assertThat(together).hasSize(CANDIDATES.size());
        for (int i = 0; i < together.length; i++) {
            assertThat(together[i]).as(CANDIDATES.get(i))
                    .isCloseTo(verifier.probability(query, candidates.get(i), cosines[i]), within(1e-6));
        }
        // not a constant: the paraphrase and the unrelated prompt are judged differently
        assertThat(together[0]).isGreaterThan(together[3] + 0.1);
        assertThat(verifier.probabilities(AlignmentFeatures.Side.of(query), List.of(), new double[0])).isEmpty();
    }
}
