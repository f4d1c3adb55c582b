package dev.tiergate.cache.bench;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import dev.tiergate.inference.OnnxRuntimeSetup;
import dev.tiergate.inference.embedding.EmbeddingModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * CPU per candidate of design (b) of the pair verifier, a cross-encoder (measured, not shipped:
 * gateway-cache/training/MODEL_CARD.md), on one core, for the same three prompt pairs as
 * {@link PairVerifierBenchmark}: one ONNX Runtime call per (query, candidate) pair.
 * <ul>
 *   <li>{@code full-int8}: the 6-layer MiniLM over "[CLS] query [SEP] candidate [SEP]" with 8-bit weights:
 *       the cache's own {@code all-minilm-l6-v2-q} graph run on the pair (a fine-tuned cross-encoder quantized
 *       the same way is this graph plus a 768-weight head);</li>
 *   <li>{@code full}: the fine-tuned fp32 cross-encoder exported by {@code cross_encoder.py --design full};</li>
 *   <li>{@code late-4}: the late cross-encoder (layers 5-6 over both prompts' layer-4 token states, which the
 *       embedding run and the stored entry would provide): {@code cross_encoder.py --design late-4}.</li>
 * </ul>
 * The exported graphs are read from the directory {@code -Dtiergate.bench.crossencoder.dir} (default
 * {@code gateway-cache/training/build/cross-encoder}); they are not committed. Run with
 * {@code bench/jmh.sh CrossEncoder -jvmArgsAppend -Dtiergate.bench.crossencoder.dir=...}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"--enable-native-access=ALL-UNNAMED", "-Dai.djl.offline=true"})
public class CrossEncoderBenchmark {
    private static final int HIDDEN = 384;
    private static final int SIDE_TOKENS = 96;

    @Param({"full-int8", "full", "late-4"})
    public String design;

    @Param({"short", "long", "cap"})
    public String prompts;

    private ZooModel<NDList, NDList> model;
    private Predictor<NDList, NDList> predictor;
    private NDManager manager;
    private long[] queryIds;
    private long[] candidateIds;
    private float[] queryStates;
    private float[] candidateStates;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        OnnxRuntimeSetup.enforceOffline();
        String[] pair = PairVerifierBenchmark.pair(prompts);
        EmbeddingModel minilm = EmbeddingModel.ALL_MINILM_L6_V2_Q;
        Map<String, String> options = Map.of("truncation", "true", "maxLength", Integer.toString(SIDE_TOKENS),
                "addSpecialTokens", "true");
        try (InputStream in = resource(minilm.tokenizerResource());
             HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(in, options)) {
            queryIds = tokenizer.encode(pair[0]).getIds();
            candidateIds = tokenizer.encode(pair[1]).getIds();
        }
        Criteria.Builder<NDList, NDList> criteria = Criteria.builder().setTypes(NDList.class, NDList.class);
        if ("full-int8".equals(design)) {
            model = OnnxRuntimeSetup.loadModel("cross-encoder " + design, resource(minilm.modelResource()), criteria, 1);
        } else {
            Path dir = Path.of(System.getProperty("tiergate.bench.crossencoder.dir",
                    "gateway-cache/training/build/cross-encoder"));
            model = criteria.optEngine(OnnxRuntimeSetup.ENGINE).optModelPath(dir.resolve(design + ".onnx"))
                    .optOption("intraOpNumThreads", "1").optOption("interOpNumThreads", "1").build().loadModel();
        }
        predictor = model.newPredictor();
        manager = NDManager.newBaseManager();
        // the late cross-encoder's inputs are token states: their values do not change the work, their count does
        Random random = new Random(7);
        queryStates = new float[queryIds.length * HIDDEN];
        candidateStates = new float[candidateIds.length * HIDDEN];
        for (float[] states : new float[][] {queryStates, candidateStates}) {
            for (int i = 0; i < states.length; i++) {
                states[i] = (float) random.nextGaussian();
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        predictor.close();
        model.close();
        manager.close();
    }

    /** One candidate: the pair's inputs made from both sides and one model run (and its thread's CPU time). */
    @Benchmark
    public float perCandidate(ThreadCpu cpu) throws TranslateException {
        cpu.start();
        int q = queryIds.length;
        int t = q + candidateIds.length - ("late-4".equals(design) ? 0 : 1);
        try (NDManager call = manager.newSubManager()) {
            long[] mask = new long[t];
            long[] types = new long[t];
            java.util.Arrays.fill(mask, 1);
            java.util.Arrays.fill(types, q, t, 1);
            NDList in = new NDList();
            if ("late-4".equals(design)) {
                float[] states = new float[t * HIDDEN];
                System.arraycopy(queryStates, 0, states, 0, queryStates.length);
                System.arraycopy(candidateStates, 0, states, queryStates.length, candidateStates.length);
                in.add(named(call.create(states, new Shape(1, t, HIDDEN)), "states"));
            } else {
                long[] ids = new long[t];
                System.arraycopy(queryIds, 0, ids, 0, q);
                System.arraycopy(candidateIds, 1, ids, q, candidateIds.length - 1);
                in.add(named(call.create(ids, new Shape(1, t)), "input_ids"));
            }
            in.add(named(call.create(mask, new Shape(1, t)), "attention_mask"));
            in.add(named(call.create(types, new Shape(1, t)), "token_type_ids"));
            float first = predictor.predict(in).get(0).toFloatArray()[0];
            cpu.stop();
            return first;
        }
    }

    private static NDArray named(NDArray array, String name) {
        array.setName(name);
        return array;
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = CrossEncoderBenchmark.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IOException("resource " + name + " not on the classpath");
        }
        return in;
    }
}
