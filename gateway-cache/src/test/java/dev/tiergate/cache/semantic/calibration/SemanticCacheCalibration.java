package dev.tiergate.cache.semantic.calibration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tiergate.cache.semantic.SemanticCacheSettings;
import dev.tiergate.cache.semantic.guard.Guard;
import dev.tiergate.cache.semantic.guard.PromptFeatures;
import dev.tiergate.cache.semantic.lsh.RandomHyperplaneLsh;
import dev.tiergate.cache.semantic.lsh.Vectors;
import dev.tiergate.inference.embedding.EmbeddingModel;
import dev.tiergate.inference.embedding.OnnxSentenceEmbedder;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Measures precision and recall of semantic hits on the paraphrase data in
 * {@code shared/data/paraphrase}: QQP split by connected question groups into a tuning half and a
 * held-out half (no question in both), STS-B train for tuning and STS-B dev held out (score ≥ 4
 * counts as a paraphrase). A "hit" is cosine ≥ threshold and every enabled guard passing.
 * Slow (embeds tens of thousands of sentences); run it by hand, see docs/semantic-cache.md:
 *
 * <pre>{@code ./mvnw -B -pl gateway-cache -am verify -Dtest=SemanticCacheCalibrationTest \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dtiergate.calibrate=true [-Dtiergate.calibrate.pairs=4000]}</pre>
 */
public final class SemanticCacheCalibration {
    static final Set<Guard> DEFAULT_GUARDS = SemanticCacheSettings.DEFAULT_GUARDS;
    static final Set<Guard> WITH_ENTITIES = with(DEFAULT_GUARDS, Guard.ENTITIES);
    private static final double[] THRESHOLDS = {0.80, 0.82, 0.84, 0.85, 0.86, 0.87, 0.88, 0.89, 0.90, 0.91, 0.92,
            0.93, 0.94, 0.95, 0.96, 0.97, 0.98};

    record Pair(String a, String b, boolean paraphrase) {
    }

    record Scored(Pair pair, double cosine, PromptFeatures fa, PromptFeatures fb, boolean sharesBand) {
    }

    private final Path dataDir;
    private final int pairsPerSplit;
    private final EmbeddingModel model;
    private final PrintStream out;

    SemanticCacheCalibration(Path dataDir, int pairsPerSplit, EmbeddingModel model, PrintStream out) {
        this.dataDir = dataDir;
        this.pairsPerSplit = pairsPerSplit;
        this.model = model;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "../../shared/data/paraphrase");
        int pairs = args.length > 1 ? Integer.parseInt(args[1]) : 4000;
        EmbeddingModel model = args.length > 2 ? EmbeddingModel.fromId(args[2]) : EmbeddingModel.ALL_MINILM_L6_V2_Q;
        new SemanticCacheCalibration(dir, pairs, model, System.out).run();
    }

    void run() throws Exception {
        List<List<Pair>> qqp = splitQqp(readQqp(dataDir.resolve("qqp-train.jsonl")));
        List<Pair> qqpTune = sample(qqp.get(0), pairsPerSplit, 1);
        List<Pair> qqpHeld = sample(qqp.get(1), pairsPerSplit, 2);
        List<Pair> stsTune = readSts(dataDir.resolve("stsb-train.jsonl"));
        List<Pair> stsHeld = readSts(dataDir.resolve("stsb-dev.jsonl"));
        out.printf(Locale.ROOT, "model %s, QQP groups split: tune %d / held-out %d pairs available, %d sampled each;"
                        + " STS-B train %d, dev %d%n", model.id(), qqp.get(0).size(), qqp.get(1).size(), pairsPerSplit,
                stsTune.size(), stsHeld.size());
        long started = System.nanoTime();
        try (OnnxSentenceEmbedder embedder = OnnxSentenceEmbedder.of(model)) {
            RandomHyperplaneLsh lsh = RandomHyperplaneLsh.of(embedder.dimensions());
            Map<String, List<Scored>> sets = new LinkedHashMap<>();
            sets.put("qqp-tune", score(qqpTune, embedder, lsh));
            sets.put("qqp-heldout", score(qqpHeld, embedder, lsh));
            sets.put("stsb-train", score(stsTune, embedder, lsh));
            sets.put("stsb-dev", score(stsHeld, embedder, lsh));
            out.printf(Locale.ROOT, "embedded in %d s%n", (System.nanoTime() - started) / 1_000_000_000L);

            out.println("default guards: " + new java.util.TreeSet<>(DEFAULT_GUARDS));
            for (var entry : sets.entrySet()) {
                out.printf("%n== %s: precision / recall (hits) by threshold ==%n", entry.getKey());
                out.printf("%-6s %-24s %-24s %-24s%n", "t", "no guards", "default guards", "defaults + ENTITIES");
                for (double t : THRESHOLDS) {
                    out.printf(Locale.ROOT, "%.2f   %-24s %-24s %-24s%n", t, pr(entry.getValue(), t, Set.of()),
                            pr(entry.getValue(), t, DEFAULT_GUARDS), pr(entry.getValue(), t, WITH_ENTITIES));
                }
            }
            for (String name : List.of("qqp-tune", "stsb-train")) {
                out.printf("%n== guard ablation on %s: each guard alone, and all defaults minus one ==%n", name);
                for (double t : new double[] {0.85, 0.88, 0.90}) {
                    out.printf(Locale.ROOT, "t=%.2f none %s%n", t, pr(sets.get(name), t, Set.of()));
                    for (Guard g : Guard.values()) {
                        EnumSet<Guard> minus = EnumSet.copyOf(DEFAULT_GUARDS);
                        minus.remove(g);
                        out.printf(Locale.ROOT, "  %-14s alone %-24s | defaults without it %-24s%n", g,
                                pr(sets.get(name), t, EnumSet.of(g)), pr(sets.get(name), t, minus));
                    }
                }
            }
            out.printf("%n== LSH %s: share of pairs above the threshold that share a bucket ==%n", lsh.layout());
            for (double t : new double[] {0.80, 0.85, 0.88, 0.90, 0.92, 0.95}) {
                List<Scored> above = new ArrayList<>();
                sets.values().forEach(list -> list.stream().filter(s -> s.cosine() >= t).forEach(above::add));
                long shared = above.stream().filter(Scored::sharesBand).count();
                out.printf(Locale.ROOT, "cos >= %.2f: %d / %d = %.4f%n", t, shared, above.size(),
                        above.isEmpty() ? 1.0 : (double) shared / above.size());
            }
        }
    }

    private static Set<Guard> with(Set<Guard> guards, Guard extra) {
        EnumSet<Guard> copy = EnumSet.copyOf(guards);
        copy.add(extra);
        return copy;
    }

    static String pr(List<Scored> scored, double threshold, Set<Guard> guards) {
        int tp = 0;
        int fp = 0;
        int positives = 0;
        for (Scored s : scored) {
            if (s.pair().paraphrase()) {
                positives++;
            }
            if (s.cosine() >= threshold && s.fa().compatibleWith(s.fb(), guards)) {
                if (s.pair().paraphrase()) {
                    tp++;
                } else {
                    fp++;
                }
            }
        }
        double precision = tp + fp == 0 ? 1.0 : (double) tp / (tp + fp);
        double recall = positives == 0 ? 0 : (double) tp / positives;
        return String.format(Locale.ROOT, "P %.3f R %.3f (%d)", precision, recall, tp + fp);
    }

    private static List<Scored> score(List<Pair> pairs, OnnxSentenceEmbedder embedder, RandomHyperplaneLsh lsh)
            throws Exception {
        Map<String, float[]> vectors = new ConcurrentHashMap<>();
        List<String> texts = new ArrayList<>();
        for (Pair p : pairs) {
            texts.add(p.a());
            texts.add(p.b());
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            List<Future<?>> futures = new ArrayList<>();
            for (String text : texts.stream().distinct().toList()) {
                futures.add(pool.submit(() -> vectors.put(text, embedder.embed(text))));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }
        List<Scored> scored = new ArrayList<>(pairs.size());
        for (Pair p : pairs) {
            float[] va = vectors.get(p.a());
            float[] vb = vectors.get(p.b());
            int[] ba = lsh.bands(va);
            int[] bb = lsh.bands(vb);
            boolean shares = false;
            for (int i = 0; i < ba.length; i++) {
                shares |= ba[i] == bb[i];
            }
            scored.add(new Scored(p, Vectors.dot(va, vb), PromptFeatures.of(p.a()), PromptFeatures.of(p.b()),
                    shares));
        }
        return scored;
    }

    static List<Pair> readQqp(Path file) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        List<Pair> pairs = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            JsonNode n = mapper.readTree(line);
            pairs.add(new Pair(n.get("a").asText(), n.get("b").asText(), n.get("paraphrase").asInt() == 1));
        }
        return pairs;
    }

    static List<Pair> readSts(Path file) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        List<Pair> pairs = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            JsonNode n = mapper.readTree(line);
            pairs.add(new Pair(n.get("a").asText(), n.get("b").asText(), n.get("score").asDouble() >= 4.0));
        }
        return pairs;
    }

    /** Splits by connected groups of questions (union-find), assigning each group by a hash of its first question. */
    static List<List<Pair>> splitQqp(List<Pair> pairs) {
        Map<String, String> parent = new HashMap<>();
        for (Pair p : pairs) {
            union(parent, p.a(), p.b());
        }
        List<Pair> tune = new ArrayList<>();
        List<Pair> held = new ArrayList<>();
        for (Pair p : pairs) {
            String root = find(parent, p.a());
            (Math.floorMod(root.hashCode(), 2) == 0 ? tune : held).add(p);
        }
        return List.of(tune, held);
    }

    private static void union(Map<String, String> parent, String a, String b) {
        String ra = find(parent, a);
        String rb = find(parent, b);
        if (!ra.equals(rb)) {
            if (ra.compareTo(rb) < 0) {
                parent.put(rb, ra);
            } else {
                parent.put(ra, rb);
            }
        }
    }

    private static String find(Map<String, String> parent, String x) {
        String root = x;
        while (parent.containsKey(root) && !parent.get(root).equals(root)) {
            root = parent.get(root);
        }
        String node = x;
        while (!node.equals(root)) {
            String next = parent.get(node);
            parent.put(node, root);
            node = next;
        }
        parent.putIfAbsent(root, root);
        return root;
    }

    private static List<Pair> sample(List<Pair> pairs, int n, long seed) {
        List<Pair> copy = new ArrayList<>(pairs);
        Collections.shuffle(copy, new Random(seed));
        return copy.subList(0, Math.min(n, copy.size()));
    }
}
