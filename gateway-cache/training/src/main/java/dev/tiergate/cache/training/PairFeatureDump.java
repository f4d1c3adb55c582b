package dev.tiergate.cache.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tiergate.cache.semantic.SemanticCacheSettings;
import dev.tiergate.cache.semantic.guard.PromptFeatures;
import dev.tiergate.cache.semantic.lsh.RandomHyperplaneLsh;
import dev.tiergate.cache.semantic.lsh.Vectors;
import dev.tiergate.cache.semantic.verify.AlignmentFeatures;
import dev.tiergate.cache.semantic.verify.PromptEvidence;
import dev.tiergate.inference.embedding.OnnxSentenceEmbedder;
import dev.tiergate.inference.embedding.TokenEmbedding;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The verifier's features for labelled pairs, computed by the runtime's own code: the embedder's
 * token states, {@link PromptEvidence} (quantised as the cache stores it, through its byte form)
 * and {@link AlignmentFeatures}. Per pair one row of little-endian float32 features in
 * {@code OUT.f32}, and in {@code OUT.tsv} the label, kind, cosine and whether the default guards
 * pass (the cosine + guards baseline).
 *
 * <p>Usage: {@code PairFeatureDump pairs.jsonl OUT}
 */
public final class PairFeatureDump {
    private PairFeatureDump() {
    }

    public static void main(String[] args) throws IOException {
        Path pairs = Path.of(args[0]);
        String out = args[1];
        ObjectMapper json = new ObjectMapper();
        Map<String, PromptEvidence> evidence = new HashMap<>();
        Map<String, float[]> vectors = new HashMap<>();
        long started = System.nanoTime();
        int rows = 0;
        try (OnnxSentenceEmbedder embedder = OnnxSentenceEmbedder.builder().intraOpThreads(1).build();
             BufferedReader in = Files.newBufferedReader(pairs, StandardCharsets.UTF_8);
             DataOutputStream f32 = new DataOutputStream(new java.io.BufferedOutputStream(
                     Files.newOutputStream(Path.of(out + ".f32"))));
             BufferedWriter tsv = Files.newBufferedWriter(Path.of(out + ".tsv"), StandardCharsets.UTF_8)) {
            tsv.write("label\tkind\tcosine\tguards_pass\tlsh_shared\n");
            RandomHyperplaneLsh lsh = RandomHyperplaneLsh.of(embedder.dimensions());
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode pair = json.readTree(line);
                String a = pair.get("a").asText().strip();
                String b = pair.get("b").asText().strip();
                for (String text : new String[] {a, b}) {
                    if (!evidence.containsKey(text)) {
                        TokenEmbedding run = embedder.embedTokens(text);
                        // Through the byte form, exactly as a stored entry is read back.
                        evidence.put(text, PromptEvidence.fromBytes(PromptEvidence.of(text, run).toBytes()));
                        vectors.put(text, run.vector());
                    }
                }
                double cosine = Vectors.dot(vectors.get(a), vectors.get(b));
                float[] features = AlignmentFeatures.of(evidence.get(a), evidence.get(b), cosine);
                ByteBuffer row = ByteBuffer.allocate(4 * features.length).order(ByteOrder.LITTLE_ENDIAN);
                for (float v : features) {
                    row.putFloat(v);
                }
                f32.write(row.array());
                boolean guards = PromptFeatures.of(a).compatibleWith(PromptFeatures.of(b),
                        SemanticCacheSettings.DEFAULT_GUARDS);
                int[] bandsA = lsh.bands(vectors.get(a));
                int[] bandsB = lsh.bands(vectors.get(b));
                boolean shared = false;
                for (int t = 0; t < bandsA.length; t++) {
                    shared |= bandsA[t] == bandsB[t];
                }
                tsv.write(pair.get("label").asInt() + "\t" + pair.get("kind").asText() + "\t" + cosine + "\t"
                        + (guards ? 1 : 0) + "\t" + (shared ? 1 : 0) + "\n");
                rows++;
                if (rows % 2000 == 0) {
                    System.err.printf("%s: %d pairs, %d texts, %.0f s%n", pairs.getFileName(), rows, evidence.size(),
                            (System.nanoTime() - started) / 1e9);
                }
            }
        }
        System.err.printf("%s: %d pairs, %d features each, %.0f s%n", pairs.getFileName(), rows,
                AlignmentFeatures.NAMES.size(), (System.nanoTime() - started) / 1e9);
    }
}
