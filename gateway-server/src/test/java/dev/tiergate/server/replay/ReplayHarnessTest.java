package dev.tiergate.server.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiergate.server.e2e.TestGateway;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The replay harness through a real gateway on a small synthetic stream: the static router sends
 * every prompt to mid; the small tier is as good as mid for chit-chat and fails every proof. The
 * learning team's router learns to split them: chit-chat to small, proofs never to small.
 */
class ReplayHarnessTest {
    private static final String STATIC_KEY = "sk-replay-static";
    private static final String LEARNING_KEY = "sk-replay-learning";
    private static final String YAML = TestGateway.DEMO_TIERS_YAML + """
            router:
              enabled: true
              thresholds: {mid: 0.0, frontier: 1.0}
              learning: {explore-rate: 0.3, cost-weight: 2.0, min-samples: 5, confidence: 1.0, refresh-ms: 1}
            """;
    private static final String[] TOPICS = {"cats", "the weather", "your weekend", "pizza", "music", "holidays",
            "coffee", "football", "gardening", "movies"};
    private static final String[] OPENERS = {"Hi! What do you think about %s?", "Tell me something fun about %s.",
            "Do you like %s? Just chatting.", "Good morning! Any thoughts on %s today?"};
    private static final String[] PROOFS = {
            "Prove that for every integer n >= %d the number n^3 - n is divisible by 6, and find all n for which n^3 - n + %d is prime.",
            "Let p be a prime greater than %d. Prove that p^2 - 1 is divisible by 24 and determine the residues of 2^p modulo %d.",
            "Show that the sequence a_1 = %d, a_(k+1) = a_k^2 - a_k + 1 consists of pairwise coprime integers, then bound the sum of 1/a_k for k up to %d.",
            "Find all real solutions of x^4 - %dx^2 + %d = 0 and prove that no rational root exists."};

    @Test
    void learnsToSendOneClusterToSmallAndKeepTheOtherOffIt() throws Exception {
        List<LabelledPrompt> stream = new ArrayList<>();
        for (int i = 0; i < 160; i++) {
            stream.add(new LabelledPrompt(OPENERS[i % OPENERS.length].formatted(TOPICS[(i / 4) % TOPICS.length])
                    + " (" + i + ")", Map.of("small", 1.0, "mid", 1.0, "frontier", 1.0), "chit-chat"));
            stream.add(new LabelledPrompt(PROOFS[i % PROOFS.length].formatted(i + 3, 2 * i + 5),
                    Map.of("small", 0.0, "mid", 1.0, "frontier", 1.0), "proof"));
        }
        try (TestGateway gateway = TestGateway.startWithTeams(YAML, Map.of(),
                Map.of("replay-static", STATIC_KEY, "replay-learning", LEARNING_KEY))) {
            ReplayHarness harness = new ReplayHarness(URI.create("http://127.0.0.1:" + gateway.port()), STATIC_KEY,
                    LEARNING_KEY, 0);
            ReplayHarness.Run run = harness.run(stream, done -> { });
            System.out.print(ReplayReport.table(run, 80, 0, Map.of("small", 0.06, "mid", 0.16, "frontier", 1.0),
                    List.of("small", "mid", "frontier")));

            assertThat(run.staticSide()).allSatisfy(step -> assertThat(step.tier()).isEqualTo("mid"));
            List<ReplayHarness.Step> last = run.learned().subList(run.learned().size() - 80, run.learned().size());
            double chitChatSmall = share(last, "chit-chat", "small");
            double proofSmall = share(last, "proof", "small");
            // learned: chit-chat is served by small (70%; 30% explore its neighbour mid); small fails proofs and,
            // once that is known in their cells, is neither served nor explored there
            assertThat(chitChatSmall).as("chit-chat to small in the last 80").isGreaterThanOrEqualTo(0.45);
            assertThat(proofSmall).as("proofs to small in the last 80").isLessThanOrEqualTo(0.1);
            assertThat(last.stream().filter(s -> s.group().equals("chit-chat")))
                    .anySatisfy(s -> assertThat(s.cause()).isEqualTo("learned"));

            String table = ReplayReport.table(run, 80, 80, Map.of("small", 0.06, "mid", 0.16, "frontier", 1.0),
                    List.of("small", "mid", "frontier"));
            assertThat(table).contains("| 241-320 | learned |");
            ReplayReport.Window learned = ReplayReport.window(run.learned(), stream, 240, 320,
                    Map.of("small", 0.06, "mid", 0.16, "frontier", 1.0), "small", "frontier");
            ReplayReport.Window fixed = ReplayReport.window(run.staticSide(), stream, 240, 320,
                    Map.of("small", 0.06, "mid", 0.16, "frontier", 1.0), "small", "frontier");
            assertThat(learned.quality()).isGreaterThanOrEqualTo(fixed.quality() - 0.1);
            assertThat(learned.share("small")).isGreaterThan(fixed.share("small") + 0.2);
        }
    }

    private static double share(List<ReplayHarness.Step> steps, String group, String tier) {
        long inGroup = steps.stream().filter(s -> s.group().equals(group)).count();
        long onTier = steps.stream().filter(s -> s.group().equals(group) && s.tier().equals(tier)).count();
        return (double) onTier / inGroup;
    }
}
