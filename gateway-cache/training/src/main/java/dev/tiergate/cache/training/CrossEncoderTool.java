package dev.tiergate.cache.training;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.inference.OnnxRuntimeSetup;
import dev.tiergate.inference.embedding.EmbeddingModel;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The Java side of the cross-encoder experiment (design (b) of the pair verifier, {@code cross_encoder.py}):
 * <ul>
 *   <li>{@code tokens OUT.jsonl PAIRS.jsonl...}: every distinct prompt of the pairs files, with the token ids of
 *       the runtime's MiniLM tokenizer (the same options as the embedder: special tokens, 256 at most), so
 *       that the Python side trains on exactly the ids the runtime would feed;</li>
 *   <li>{@code run MODEL.onnx IN.json OUT.json}: runs an ONNX model through DJL and ONNX Runtime (one thread) on
 *       named inputs ({@code {"inputs": [{"name": {"shape": [...], "values": [...], "type": "int64"|"float32"}, ...}, ...]}},
 *       one model call per element) and
 *       writes every output, flattened, with its shape: the parity checks of the PyTorch model against the
 *       original MiniLM graph and of the exported cross-encoder against PyTorch.</li>
 * </ul>
 */
public final class CrossEncoderTool {
    private CrossEncoderTool() {
    }

    public static void main(String[] args) throws Exception {
        OnnxRuntimeSetup.enforceOffline();
        switch (args[0]) {
            case "tokens" -> tokens(Path.of(args[1]), java.util.Arrays.copyOfRange(args, 2, args.length));
            case "run" -> run(Path.of(args[1]), Path.of(args[2]), Path.of(args[3]));
            default -> throw new IllegalArgumentException("mode: " + args[0] + " (expected: tokens, run)");
        }
    }

    private static void tokens(Path out, String[] pairFiles) throws Exception {
        ObjectMapper json = new ObjectMapper();
        Set<String> texts = new LinkedHashSet<>();
        for (String file : pairFiles) {
            try (BufferedReader in = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (!line.isBlank()) {
                        JsonNode pair = json.readTree(line);
                        texts.add(pair.get("a").asText().strip());
                        texts.add(pair.get("b").asText().strip());
                    }
                }
            }
        }
        EmbeddingModel model = EmbeddingModel.ALL_MINILM_L6_V2_Q;
        Map<String, String> options = Map.of("truncation", "true", "padding", "false",
                "maxLength", Integer.toString(model.maxTokens()), "addSpecialTokens", "true");
        try (InputStream tokenizerJson = CrossEncoderTool.class.getClassLoader()
                .getResourceAsStream(model.tokenizerResource());
             HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(tokenizerJson, options);
             BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            for (String text : texts) {
                Encoding e = tokenizer.encode(text);
                ObjectNode row = json.createObjectNode();
                row.put("text", text);
                ArrayNode ids = row.putArray("ids");
                for (long id : e.getIds()) {
                    ids.add(id);
                }
                w.write(json.writeValueAsString(row));
                w.write('\n');
            }
        }
        System.err.printf("%d distinct prompts tokenized%n", texts.size());
    }

    private static void run(Path modelFile, Path inputs, Path out) throws Exception {
        ObjectMapper json = new ObjectMapper();
        JsonNode calls = json.readTree(inputs.toFile()).get("inputs");
        ObjectNode result = json.createObjectNode();
        ArrayNode outputs = result.putArray("outputs");
        Criteria<NDList, NDList> criteria = Criteria.builder().setTypes(NDList.class, NDList.class)
                .optEngine(OnnxRuntimeSetup.ENGINE).optModelPath(modelFile)
                .optOption("intraOpNumThreads", "1").optOption("interOpNumThreads", "1").build();
        try (ZooModel<NDList, NDList> model = criteria.loadModel();
             Predictor<NDList, NDList> predictor = model.newPredictor();
             NDManager manager = NDManager.newBaseManager()) {
            for (JsonNode call : calls) {
                NDList in = new NDList();
                Iterator<Map.Entry<String, JsonNode>> fields = call.fields();
                while (fields.hasNext()) {
                    Map.Entry<String, JsonNode> field = fields.next();
                    JsonNode tensor = field.getValue();
                    long[] dims = new long[tensor.get("shape").size()];
                    for (int i = 0; i < dims.length; i++) {
                        dims[i] = tensor.get("shape").get(i).asLong();
                    }
                    JsonNode values = tensor.get("values");
                    NDArray array;
                    if ("float32".equals(tensor.path("type").asText("int64"))) {
                        float[] flat = new float[values.size()];
                        for (int i = 0; i < flat.length; i++) {
                            flat[i] = (float) values.get(i).asDouble();
                        }
                        array = manager.create(flat, new Shape(dims));
                    } else {
                        long[] flat = new long[values.size()];
                        for (int i = 0; i < flat.length; i++) {
                            flat[i] = values.get(i).asLong();
                        }
                        array = manager.create(flat, new Shape(dims));
                    }
                    array.setName(field.getKey());
                    in.add(array);
                }
                ArrayNode callOut = outputs.addArray();
                for (NDArray o : predictor.predict(in)) {
                    ObjectNode tensor = callOut.addObject();
                    tensor.put("name", o.getName());
                    ArrayNode shape = tensor.putArray("shape");
                    for (long d : o.getShape().getShape()) {
                        shape.add(d);
                    }
                    ArrayNode values = tensor.putArray("values");
                    for (float v : o.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray()) {
                        values.add(v);
                    }
                }
            }
        }
        json.writeValue(out.toFile(), result);
    }
}
