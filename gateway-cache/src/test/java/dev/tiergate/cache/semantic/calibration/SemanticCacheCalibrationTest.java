package dev.tiergate.cache.semantic.calibration;

import dev.tiergate.inference.embedding.EmbeddingModel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The slow calibration run, off unless {@code -Dtiergate.calibrate=true}; prints the tables and
 * writes them to {@code target/semantic-calibration-<model>.txt}. Options:
 * {@code tiergate.calibrate.pairs} (QQP pairs per split, default 4000),
 * {@code tiergate.calibrate.model} (default all-minilm-l6-v2-q),
 * {@code tiergate.paraphrase.dir} (default ../../shared/data/paraphrase).
 */
@Tag("calibration")
@EnabledIfSystemProperty(named = "tiergate.calibrate", matches = "true")
class SemanticCacheCalibrationTest {

    @Test
    void printsPrecisionAndRecallByThreshold() throws Exception {
        Path dir = Path.of(System.getProperty("tiergate.paraphrase.dir", "../../shared/data/paraphrase"));
        int pairs = Integer.getInteger("tiergate.calibrate.pairs", 4000);
        EmbeddingModel model = EmbeddingModel.fromId(System.getProperty("tiergate.calibrate.model",
                EmbeddingModel.ALL_MINILM_L6_V2_Q.id()));
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (PrintStream tee = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            new SemanticCacheCalibration(dir, pairs, model, tee).run();
        }
        String report = buffer.toString(StandardCharsets.UTF_8);
        System.out.println(report);
        Files.writeString(Path.of("target", "semantic-calibration-" + model.id() + ".txt"), report);
    }
}
