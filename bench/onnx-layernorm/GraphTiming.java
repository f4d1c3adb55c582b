import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.util.Map;
import java.util.Random;

/** Wall time per run of each graph named, one intra-op thread, after 2,000 runs of warm-up; input [1, 24, 384]. */
public class GraphTiming {
    public static void main(String[] graphs) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        float[][][] x = new float[1][24][384];
        Random random = new Random(1);
        for (float[] row : x[0]) {
            for (int j = 0; j < row.length; j++) {
                row[j] = (float) random.nextGaussian();
            }
        }
        for (String graph : graphs) {
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.setIntraOpNumThreads(1);
                options.setInterOpNumThreads(1);
                try (OrtSession session = env.createSession(graph, options);
                     OnnxTensor input = OnnxTensor.createTensor(env, x)) {
                    Map<String, OnnxTensor> inputs = Map.of("x", input);
                    for (int i = 0; i < 2_000; i++) {
                        session.run(inputs).close();
                    }
                    int runs = 20_000;
                    long start = System.nanoTime();
                    for (int i = 0; i < runs; i++) {
                        session.run(inputs).close();
                    }
                    System.out.printf("%s: %.1f us a run%n", graph, (System.nanoTime() - start) / 1e3 / runs);
                }
            }
        }
    }
}
