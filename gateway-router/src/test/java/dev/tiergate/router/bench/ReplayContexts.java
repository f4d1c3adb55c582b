package dev.tiergate.router.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tiergate.core.json.Json;
import dev.tiergate.inference.OnnxRuntimeSetup;
import dev.tiergate.inference.embedding.OnnxSentenceEmbedder;
import dev.tiergate.inference.tokens.JtokkitTokenCounter;
import dev.tiergate.router.classifier.OnnxComplexityClassifier;
import dev.tiergate.router.learning.PromptClusters;
import dev.tiergate.router.policy.QualityGoal;
import dev.tiergate.router.policy.Thresholds;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The context the learning router sees for each prompt of a replay stream, computed by the router's
 * own parts as the gateway computes it for a one-message chat: the complexity score (the shipped
 * classifier on the MiniLM-q embedding and the structural features), the static tier under the
 * default quality target's thresholds, and the prompt cluster. For the offline ceiling and simulator
 * ({@code gateway-router/training/learning/replay_ceiling.py}); never prints prompt text.
 *
 * <p>Usage: {@code ReplayContexts STREAM.jsonl OUT.jsonl [QUALITY_TARGET ...]}: one
 * {@code {"score", "tier", "cluster"}} a line, in stream order; with quality targets also
 * {@code "tiers": {"0.9": tier, ...}}, the tier under each target's thresholds (the MT-Bench evaluation,
 * {@code gateway-router/training/eval_mtbench.sh}).
 */
public final class ReplayContexts {
    private ReplayContexts() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: ReplayContexts STREAM.jsonl OUT.jsonl [QUALITY_TARGET ...]");
            System.exit(2);
        }
        OnnxRuntimeSetup.enforceOffline();
        PromptClusters clusters = PromptClusters.load();
        long start = System.nanoTime();
        int n = 0;
        try (OnnxComplexityClassifier classifier = OnnxComplexityClassifier.load(JtokkitTokenCounter.cl100k());
             OnnxSentenceEmbedder embedder = OnnxSentenceEmbedder.builder().intraOpThreads(1).build();
             BufferedReader in = Files.newBufferedReader(Path.of(args[0]), StandardCharsets.UTF_8);
             BufferedWriter out = Files.newBufferedWriter(Path.of(args[1]), StandardCharsets.UTF_8)) {
            if (!embedder.modelId().equals(classifier.embeddingModelId())) {
                throw new IllegalStateException("embedder " + embedder.modelId() + ", classifier trained on "
                        + classifier.embeddingModelId());
            }
            Thresholds thresholds = QualityGoal.defaults().thresholds(classifier.spec().calibration());
            System.err.printf("thresholds: mid %.3f, frontier %.3f%n", thresholds.mid(), thresholds.frontier());
            Map<String, Thresholds> byTarget = new LinkedHashMap<>();
            for (int i = 2; i < args.length; i++) {
                Thresholds t = new QualityGoal(Double.valueOf(args[i]), null).thresholds(classifier.spec().calibration());
                System.err.printf("quality-target %s: mid %.3f, frontier %.3f%n", args[i], t.mid(), t.frontier());
                byTarget.put(args[i], t);
            }
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode item = Json.mapper().readTree(line);
                String prompt = item.get("prompt").asText();
                float[] embedding = embedder.embed(prompt);
                double score = classifier.classify(embedding, prompt).score();
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("score", score);
                row.put("tier", thresholds.tierFor(score).id());
                row.put("cluster", clusters.nearest(embedding));
                if (!byTarget.isEmpty()) {
                    Map<String, String> tiers = new LinkedHashMap<>();
                    byTarget.forEach((target, t) -> tiers.put(target, t.tierFor(score).id()));
                    row.put("tiers", tiers);
                }
                out.write(Json.mapper().writeValueAsString(row));
                out.write('\n');
                n++;
            }
        }
        System.err.printf("contexts of %d prompts in %.1f s%n", n, (System.nanoTime() - start) / 1e9);
    }
}
