package dev.tiergate.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.tiergate.inference.embedding.EmbeddingModel;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedding model written with its weights beside the graph computes exactly what the
 * self-contained model computes, and names each moved weight at an aligned offset.
 */
class MappedWeightsWriterTest {
    /** "what is the capital of france?", "hello", and a longer prompt, as WordPiece ids. */
    private static final long[][] PROMPTS = {
            {101, 2054, 2003, 1996, 3007, 1997, 2605, 1029, 102},
            {101, 7592, 102},
            {101, 4863, 1996, 4489, 2090, 22975, 1998, 21318, 2361, 1999, 6987, 1010, 2007, 4973, 1997, 2043,
                    2000, 2224, 2169, 8778, 1012, 102},
    };

    private static byte[] model;

    @BeforeAll
    static void readModel() throws IOException {
        try (InputStream in = MappedWeightsWriterTest.class.getClassLoader()
                .getResourceAsStream(EmbeddingModel.ALL_MINILM_L6_V2_Q.modelResource())) {
            assertThat(in).as("the embedding model on the test classpath").isNotNull();
            model = in.readAllBytes();
        }
    }

    @Test
    void theWrittenModelComputesExactlyWhatTheOriginalDoes(@TempDir Path dir) throws Exception {
        Path graph = MappedWeightsWriter.write(new ByteArrayInputStream(model), dir);

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
             OrtSession original = env.createSession(model, options);
             OrtSession written = env.createSession(graph.toString(), options)) {
            for (long[] ids : PROMPTS) {
                float[][] expected = lastHiddenState(env, original, ids);
                float[][] actual = lastHiddenState(env, written, ids);
                assertThat(actual).as("token states of %s", Arrays.toString(ids)).isDeepEqualTo(expected);
            }
        }
    }

    @Test
    void largeWeightsMoveToTheWeightsFileAtAlignedOffsets(@TempDir Path dir) throws IOException {
        Path graph = MappedWeightsWriter.write(new ByteArrayInputStream(model), dir);
        long weights = Files.size(dir.resolve(MappedWeightsWriter.WEIGHTS_FILE));

        assertThat(Files.size(graph)).as("graph without its large weights").isLessThan(1 << 20);
        assertThat(Files.size(graph) + weights).as("nothing lost").isGreaterThanOrEqualTo(model.length - (1 << 20));
        List<Long> offsets = entries(graph, "offset");
        List<Long> lengths = entries(graph, "length");
        // six layers of six quantized matrices, and the word embeddings
        assertThat(offsets).hasSizeGreaterThanOrEqualTo(37).hasSameSizeAs(lengths);
        assertThat(offsets).allMatch(offset -> offset % MappedWeightsWriter.ALIGNMENT == 0, "aligned");
        assertThat(lengths).allMatch(length -> length >= MappedWeightsWriter.MIN_EXTERNAL_BYTES, "large");
        for (int i = 0; i < offsets.size(); i++) {
            assertThat(offsets.get(i) + lengths.get(i)).as("weight %d within the file", i).isLessThanOrEqualTo(weights);
            if (i > 0) {
                assertThat(offsets.get(i)).as("weight %d after the one before", i)
                        .isGreaterThanOrEqualTo(offsets.get(i - 1) + lengths.get(i - 1));
            }
        }
    }

    @Test
    void aTruncatedModelIsRefused(@TempDir Path dir) {
        byte[] truncated = Arrays.copyOf(model, model.length / 2);
        assertThatThrownBy(() -> MappedWeightsWriter.write(new ByteArrayInputStream(truncated), dir))
                .isInstanceOf(EOFException.class).hasMessageContaining("ONNX model ends inside");
    }

    @Test
    void bytesThatAreNotAProtobufMessageAreRefused(@TempDir Path dir) {
        // field 1 with wire type 3 (a group: not in onnx.proto)
        byte[] group = {0x0b, 0x00};
        assertThatThrownBy(() -> MappedWeightsWriter.write(new ByteArrayInputStream(group), dir))
                .isInstanceOf(IOException.class).hasMessageContaining("wire type 3");
        // the graph field claims 5 bytes; its one field, a string of 10, runs past them
        byte[] overrun = {0x3a, 0x05, 0x12, 0x0a, 'n', 'a', 'm', 'e', 'x', 'y', 'z', 'w', 'v', 'u'};
        assertThatThrownBy(() -> MappedWeightsWriter.write(new ByteArrayInputStream(overrun), dir))
                .isInstanceOf(IOException.class).hasMessageContaining("overruns");
    }

    private static float[][] lastHiddenState(OrtEnvironment env, OrtSession session, long[] ids) throws OrtException {
        long[][] mask = {new long[ids.length]};
        Arrays.fill(mask[0], 1);
        try (OnnxTensor inputIds = OnnxTensor.createTensor(env, new long[][] {ids});
             OnnxTensor attention = OnnxTensor.createTensor(env, mask);
             OnnxTensor types = OnnxTensor.createTensor(env, new long[][] {new long[ids.length]});
             OrtSession.Result result = session.run(Map.of("input_ids", inputIds, "attention_mask", attention,
                     "token_type_ids", types))) {
            return ((float[][][]) result.get(0).getValue())[0];
        }
    }

    /** The values of one external-data key in the graph file, in order (each an encoded key/value entry). */
    private static List<Long> entries(Path graph, String key) throws IOException {
        String bytes = new String(Files.readAllBytes(graph), StandardCharsets.ISO_8859_1);
        Matcher matcher = Pattern.compile("\n" + (char) key.length() + key + "\u0012.(\\d+)").matcher(bytes);
        List<Long> values = new ArrayList<>();
        while (matcher.find()) {
            values.add(Long.parseLong(matcher.group(1)));
        }
        return values;
    }
}
