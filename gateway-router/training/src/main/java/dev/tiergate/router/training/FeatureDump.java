package dev.tiergate.router.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.api.EncodingType;
import dev.tiergate.core.json.Json;
import dev.tiergate.core.tokens.TokenCounter;
import dev.tiergate.inference.OnnxRuntimeSetup;
import dev.tiergate.inference.embedding.OnnxSentenceEmbedder;
import dev.tiergate.inference.tokens.JtokkitTokenCounter;
import dev.tiergate.router.classifier.StructuralFeatures;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Computes the classifier's input row for each prompt exactly as the runtime does: the sentence
 * embedding of the text by the default {@link OnnxSentenceEmbedder} (what the semantic cache
 * shares, or the router computes), followed by {@link StructuralFeatures#of} with the encoding the
 * runtime's classifier counts with ({@value StructuralFeatures#TOKEN_ENCODING}).
 *
 * <p>Usage: {@code FeatureDump prompts.jsonl features.f32 features.json [threads]}. Input: one
 * JSON object a line with {@code text}. Output: rows of little-endian float32, and a JSON file
 * with the shape, the embedding model and the feature names.
 */
public final class FeatureDump {
    private static final TokenCounter TOKENS =
            new JtokkitTokenCounter(EncodingType.fromName(StructuralFeatures.TOKEN_ENCODING).orElseThrow());

    private FeatureDump() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: FeatureDump prompts.jsonl features.f32 features.json [threads]");
            System.exit(2);
        }
        OnnxRuntimeSetup.enforceOffline();
        Path in = Path.of(args[0]);
        Path out = Path.of(args[1]);
        Path meta = Path.of(args[2]);
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        List<String> texts = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(in, StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.isBlank()) {
                    JsonNode node = Json.mapper().readTree(line);
                    texts.add(node.get("text").asText());
                }
            }
        }
        long start = System.nanoTime();
        try (OnnxSentenceEmbedder embedder = OnnxSentenceEmbedder.builder().intraOpThreads(1).build()) {
            int width = embedder.dimensions() + StructuralFeatures.SIZE;
            float[][] rows = new float[texts.size()][];
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> jobs = new ArrayList<>();
                int chunk = (texts.size() + threads - 1) / threads;
                for (int t = 0; t < threads; t++) {
                    int from = t * chunk;
                    int to = Math.min(texts.size(), from + chunk);
                    jobs.add(pool.submit(() -> {
                        for (int i = from; i < to; i++) {
                            rows[i] = row(embedder, texts.get(i), width);
                            if (i > from && (i - from) % 2000 == 0) {
                                System.err.printf("  %d/%d%n", i - from, to - from);
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> job : jobs) {
                    job.get();
                }
            } finally {
                pool.shutdown();
            }
            write(out, rows, width);
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("rows", rows.length);
            info.put("cols", width);
            info.put("embedding_model", embedder.modelId());
            info.put("embedding_dimensions", embedder.dimensions());
            info.put("structural_features", StructuralFeatures.NAMES);
            try (BufferedWriter writer = Files.newBufferedWriter(meta, StandardCharsets.UTF_8)) {
                writer.write(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(info));
                writer.write('\n');
            }
            System.err.printf("features for %d prompts in %.1f s%n", rows.length, (System.nanoTime() - start) / 1e9);
        }
    }

    private static float[] row(OnnxSentenceEmbedder embedder, String text, int width) {
        float[] row = new float[width];
        float[] embedding = embedder.embed(text);
        System.arraycopy(embedding, 0, row, 0, embedding.length);
        float[] structural = StructuralFeatures.of(text, TOKENS);
        System.arraycopy(structural, 0, row, embedding.length, structural.length);
        return row;
    }

    private static void write(Path out, float[][] rows, int width) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(width * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        try (OutputStream file = Files.newOutputStream(out);
             DataOutputStream data = new DataOutputStream(new BufferedOutputStream(file, 1 << 16))) {
            for (float[] row : rows) {
                buffer.clear();
                buffer.asFloatBuffer().put(row);
                data.write(buffer.array());
            }
        }
    }
}
