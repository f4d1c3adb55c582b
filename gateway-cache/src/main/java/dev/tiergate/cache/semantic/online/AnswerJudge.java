package dev.tiergate.cache.semantic.online;

import static java.util.Objects.requireNonNull;

import dev.tiergate.cache.semantic.lsh.Vectors;
import dev.tiergate.cache.semantic.verify.PairVerifier;
import dev.tiergate.cache.semantic.verify.PromptEvidence;
import dev.tiergate.core.embedding.SentenceEmbedder;
import dev.tiergate.inference.embedding.TokenEmbedder;
import dev.tiergate.inference.embedding.TokenEmbedding;

/**
 * Decides whether a served answer and the provider's fresh answer to the same request say the same
 * thing. Two answers differ when the cosine of their sentence embeddings is below
 * {@code answerSimilarity} (default 0.65: on STS-B dev, 2.7% of same-meaning sentence pairs fall
 * below it, under the 3% a team tolerates by default, and 0.3% of unrelated pairs reach it; see
 * docs/semantic-cache.md); and, when both are short answers of at most {@value #SHORT_ANSWER_TOKENS}
 * tokens and a verifier is there, also when the verifier is all but sure they differ (probability
 * below {@value #SHORT_ANSWER_PROBABILITY}): a short answer's embedding hardly moves when a number,
 * a name or a "yes"/"no" changes ("The answer is 42." / "...43.": cosine 0.84, probability 0.008),
 * which the verifier's features see. The verifier is strict (it was calibrated for precision), so
 * only its near-certain refusals count: at {@value #SHORT_ANSWER_PROBABILITY} it calls no STS-B
 * same-meaning pair different that the cosine does not (at 0.5 it would call 32% of them different). Longer answers are judged by the cosine alone: the verifier was trained on prompts
 * of about that length, and on longer answers that say the same it is unreliable (two paraphrased
 * 30-token answers: 0.48 and 0.005). Blocks on model runs: call it on a worker.
 */
final class AnswerJudge {
    /** Below this probability the verifier is all but sure two short answers differ. */
    static final double SHORT_ANSWER_PROBABILITY = 0.01;
    /** The longest answers (tokens, special ones aside) the verifier judges. */
    static final int SHORT_ANSWER_TOKENS = 16;

    private final SentenceEmbedder embedder;
    private final PairVerifier verifier;
    private final double answerSimilarity;

    /** A judgement: whether the answers differ, the cosine and the verifier's probability (NaN when not asked). */
    record Verdict(boolean differ, double similarity, double probability) {
    }

    /** {@code verifier} may be null (cosine only); with one, {@code embedder} must be a {@link TokenEmbedder}. */
    AnswerJudge(SentenceEmbedder embedder, PairVerifier verifier, double answerSimilarity) {
        this.embedder = requireNonNull(embedder, "embedder");
        this.verifier = verifier;
        this.answerSimilarity = answerSimilarity;
        if (verifier != null && !(embedder instanceof TokenEmbedder)) {
            throw new IllegalArgumentException("embedder: a verifier needs token states (a TokenEmbedder)");
        }
    }

    Verdict judge(String served, String fresh) {
        if (served.strip().equals(fresh.strip())) {
            return new Verdict(false, 1, Double.NaN);
        }
        if (verifier == null) {
            double similarity = Vectors.dot(embedder.embed(served), embedder.embed(fresh));
            return new Verdict(similarity < answerSimilarity, similarity, Double.NaN);
        }
        TokenEmbedder tokens = (TokenEmbedder) embedder;
        TokenEmbedding a = tokens.embedTokens(served);
        TokenEmbedding b = tokens.embedTokens(fresh);
        double similarity = Vectors.dot(a.vector(), b.vector());
        double probability = Double.NaN;
        if (isShort(a) && isShort(b)) {
            probability = verifier.probability(PromptEvidence.of(served, a), PromptEvidence.of(fresh, b), similarity);
        }
        boolean differ = similarity < answerSimilarity || probability < SHORT_ANSWER_PROBABILITY;
        return new Verdict(differ, similarity, probability);
    }

    /** Whether an answer is short enough for the verifier: at most {@value #SHORT_ANSWER_TOKENS} tokens. */
    private static boolean isShort(TokenEmbedding run) {
        int content = 0;
        for (String token : run.tokens()) {
            if (!(token.startsWith("[") && token.endsWith("]"))) {
                content++;
            }
        }
        return content <= SHORT_ANSWER_TOKENS;
    }
}
