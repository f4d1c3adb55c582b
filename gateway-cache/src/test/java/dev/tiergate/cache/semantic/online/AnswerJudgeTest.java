package dev.tiergate.cache.semantic.online;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tiergate.cache.semantic.lsh.Vectors;
import dev.tiergate.cache.semantic.verify.OnnxPairVerifier;
import dev.tiergate.core.config.OnlineVerificationConfig;
import dev.tiergate.cache.testing.BundledModels;
import dev.tiergate.inference.embedding.OnnxSentenceEmbedder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/** The judge of a served answer against a fresh one, on the real embedding model and pair verifier. */
class AnswerJudgeTest {
    private static OnnxSentenceEmbedder embedder;
    private static OnnxPairVerifier verifier;
    private static AnswerJudge judge;

    @BeforeAll
    static void load() {
        embedder = BundledModels.embedder();
        verifier = BundledModels.verifier();
        judge = new AnswerJudge(embedder, verifier, OnlineVerificationConfig.DEFAULT_ANSWER_SIMILARITY);
    }

    /** Two samples of one answer, worded differently, as a provider gives them on two calls. */
    private static final String[][] SAME = {
        {"To reset your password, open Settings, choose Security, click 'Reset password' and follow the link we"
                + " email you. The link is valid for 24 hours.",
         "Go to Settings > Security and select 'Reset password'. We will send you an email with a link to set a new"
                + " password; it expires after 24 hours."},
        {"You can cancel your subscription at any time from the Billing page: click 'Cancel plan'. You keep access"
                + " until the end of the current billing period and are not charged again.",
         "Open Billing and press 'Cancel plan'. Access continues until the current period ends, and no further"
                + " payments are taken."},
        {"In Python, reverse a list in place with my_list.reverse(), or get a reversed copy with my_list[::-1].",
         "Use list.reverse() to reverse a Python list in place; slicing with [::-1] returns a new reversed list."},
        {"The capital of France is Paris.", "Paris is the capital of France."},
    };

    /** A stored answer and the fresh answer to a request it was wrongly served for. */
    private static final String[][] DIFFERENT = {
        {"To reset your password, open Settings, choose Security, click 'Reset password' and follow the link we"
                + " email you.",
         "To change the email address of your account, open Settings, choose Profile, enter the new address and"
                + " confirm it from the message we send there."},
        {"In Python, reverse a list in place with my_list.reverse(), or get a reversed copy with my_list[::-1].",
         "To undo a commit in git that is not pushed yet, run git reset --soft HEAD~1; the changes stay staged."},
        {"The capital of France is Paris.", "The capital of Italy is Rome."},
        {"The answer is 42.", "The answer is 43."},
        {"Yes, the Pro plan includes priority support.", "No, priority support is not part of the Pro plan."},
    };

    @Test
    void answersThatSayTheSameInOtherWordsAreNotFalseHits() {
        for (String[] pair : SAME) {
            AnswerJudge.Verdict verdict = judge.judge(pair[0], pair[1]);
            assertThat(verdict.differ()).as("%s / %s: %s", pair[0], pair[1], verdict).isFalse();
        }
    }

    @Test
    void answersToAnotherQuestionAreFalseHits() {
        for (String[] pair : DIFFERENT) {
            AnswerJudge.Verdict verdict = judge.judge(pair[0], pair[1]);
            assertThat(verdict.differ()).as("%s / %s: %s", pair[0], pair[1], verdict).isTrue();
        }
    }

    @Test
    void theVerifierJudgesShortAnswersOnlyAndIdenticalOnesNeedNoModel() {
        assertThat(judge.judge("Paris.", "Paris.")).isEqualTo(new AnswerJudge.Verdict(false, 1, Double.NaN));
        assertThat(judge.judge("The answer is 42.", "The answer is 43.").probability()).isBetween(0.0, AnswerJudge.SHORT_ANSWER_PROBABILITY);
        String longAnswer = "word ".repeat(20);
        assertThat(judge.judge(longAnswer + "one", longAnswer + "two").probability()).isNaN();
    }

    /**
     * How the cosine threshold of two answers was chosen (run with {@code -Dtiergate.measure.answers=true}):
     * on STS-B dev sentence pairs, the share of same-meaning pairs (score >= 4) a threshold would call
     * different (false alarms that tighten a team for nothing) and of unrelated pairs (score <= 1) it
     * would call the same (false hits it misses).
     */
    @Test
    @EnabledIfSystemProperty(named = "tiergate.measure.answers", matches = "true")
    void measureTheAnswerSimilarityThreshold() throws IOException {
        Path file = Path.of(System.getProperty("tiergate.paraphrase.dir", "../../shared/data/paraphrase"),
                "stsb-dev.jsonl");
        ObjectMapper json = new ObjectMapper();
        List<Double> same = new ArrayList<>();
        List<Double> unrelated = new ArrayList<>();
        int[] judged = new int[4];   // same called different, same total, unrelated called same, unrelated total
        for (String line : Files.readAllLines(file)) {
            JsonNode pair = json.readTree(line);
            double score = pair.get("score").asDouble();
            if (score > 1 && score < 4) {
                continue;
            }
            double cosine = Vectors.dot(embedder.embed(pair.get("a").asText()), embedder.embed(pair.get("b").asText()));
            (score >= 4 ? same : unrelated).add(cosine);
            AnswerJudge.Verdict verdict = judge.judge(pair.get("a").asText(), pair.get("b").asText());
            boolean differ = verdict.differ();
            if (score >= 4) {
                judged[0] += differ ? 1 : 0;
                judged[1]++;
            } else {
                judged[2] += differ ? 0 : 1;
                judged[3]++;
            }
        }
        StringBuilder report = new StringBuilder("STS-B dev: " + same.size() + " same-meaning pairs (score >= 4), "
                + unrelated.size() + " unrelated pairs (score <= 1)\n  t     same called different   unrelated called same\n");
        for (double t = 0.50; t <= 0.901; t += 0.05) {
            double threshold = t;
            long alarms = same.stream().filter(c -> c < threshold).count();
            long missed = unrelated.stream().filter(c -> c >= threshold).count();
            report.append(String.format(Locale.ROOT, "  %.2f  %6.1f%%                  %6.1f%%%n", t,
                    100.0 * alarms / same.size(), 100.0 * missed / unrelated.size()));
        }
        report.append(String.format(Locale.ROOT, "the judge (cosine %.2f, verifier on answers of <= %d tokens):"
                + " same called different %.1f%%, unrelated called same %.1f%%%n",
                OnlineVerificationConfig.DEFAULT_ANSWER_SIMILARITY, AnswerJudge.SHORT_ANSWER_TOKENS,
                100.0 * judged[0] / judged[1], 100.0 * judged[2] / judged[3]));
        System.out.println(report);
        Files.writeString(Path.of("target", "answer-similarity.txt"), report);
    }
}
