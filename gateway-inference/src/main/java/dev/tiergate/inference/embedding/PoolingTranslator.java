package dev.tiergate.inference.embedding;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Batchifier;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import dev.tiergate.inference.wordpiece.WordPieceEncoding;
import dev.tiergate.inference.wordpiece.WordPieceTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Tokenises a batch of sentences into the inputs the graph declares ({@code input_ids},
 * {@code attention_mask}, {@code token_type_ids}, matched by name; shorter sentences padded to the
 * longest with mask 0), and pools each sentence's token states into one L2-normalised vector,
 * keeping its own token states (padding dropped) beside it. A batch of one is exactly the single
 * run. Pooling is done here in plain Java: ONNX Runtime's DJL arrays support few operators.
 */
final class PoolingTranslator implements Translator<List<String>, List<TokenEmbedding>> {
    private static final String ENCODINGS = "encodings";

    private final WordPieceTokenizer tokenizer;
    private final EmbeddingModel.Pooling pooling;
    private volatile List<String> inputNames;

    PoolingTranslator(WordPieceTokenizer tokenizer, EmbeddingModel.Pooling pooling) {
        this.tokenizer = tokenizer;
        this.pooling = pooling;
    }

    @Override
    public void prepare(TranslatorContext ctx) {
        List<String> names = new ArrayList<>(ctx.getModel().describeInput().keys());
        for (String name : names) {
            if (!name.equals("input_ids") && !name.equals("attention_mask") && !name.equals("token_type_ids")) {
                throw new IllegalStateException("unexpected model input " + name
                        + " (expected: input_ids, attention_mask, token_type_ids)");
            }
        }
        inputNames = List.copyOf(names);
    }

    @Override
    public NDList processInput(TranslatorContext ctx, List<String> texts) {
        WordPieceEncoding[] encodings = new WordPieceEncoding[texts.size()];
        int longest = 0;
        for (int i = 0; i < encodings.length; i++) {
            encodings[i] = tokenizer.encode(texts.get(i));
            longest = Math.max(longest, encodings[i].length());
        }
        ctx.setAttachment(ENCODINGS, encodings);
        NDManager manager = ctx.getNDManager();
        Shape shape = new Shape(encodings.length, longest);
        NDList inputs = new NDList(inputNames.size());
        for (String name : inputNames) {
            long[] data = new long[encodings.length * longest];   // padding: id 0, mask 0, type 0
            for (int i = 0; i < encodings.length; i++) {
                int from = i * longest;
                switch (name) {
                    case "input_ids" -> System.arraycopy(encodings[i].ids(), 0, data, from, encodings[i].length());
                    case "attention_mask" -> Arrays.fill(data, from, from + encodings[i].length(), 1L);
                    default -> { }   // one sequence: every token is of type 0
                }
            }
            NDArray array = manager.create(data, shape);
            array.setName(name);
            inputs.add(array);
        }
        return inputs;
    }

    @Override
    public List<TokenEmbedding> processOutput(TranslatorContext ctx, NDList outputs) {
        NDArray hidden = tokenStates(outputs);
        long[] shape = hidden.getShape().getShape();
        int longest = (int) shape[1];
        int dims = (int) shape[2];
        float[] states = hidden.toFloatArray();
        WordPieceEncoding[] encodings = (WordPieceEncoding[]) ctx.getAttachment(ENCODINGS);
        List<TokenEmbedding> embeddings = new ArrayList<>(encodings.length);
        for (int i = 0; i < encodings.length; i++) {
            int tokens = encodings[i].length();
            int from = i * longest * dims;
            float[] own = Arrays.copyOfRange(states, from, from + tokens * dims);
            float[] vector = normalize(pool(own, tokens, dims));
            embeddings.add(new TokenEmbedding(vector, encodings[i].tokens(), own, dims));
        }
        return embeddings;
    }

    @Override
    public Batchifier getBatchifier() {
        return null;
    }

    /** Pools a text's own token states: every one of them is under the attention mask. */
    private float[] pool(float[] states, int tokens, int dims) {
        float[] out = new float[dims];
        if (pooling == EmbeddingModel.Pooling.CLS) {
            System.arraycopy(states, 0, out, 0, dims);
            return out;
        }
        for (int t = 0; t < tokens; t++) {
            int offset = t * dims;
            for (int d = 0; d < dims; d++) {
                out[d] += states[offset + d];
            }
        }
        if (tokens > 0) {
            for (int d = 0; d < dims; d++) {
                out[d] /= tokens;
            }
        }
        return out;
    }

    static float[] normalize(float[] vector) {
        double sum = 0;
        for (float v : vector) {
            sum += (double) v * v;
        }
        double norm = Math.sqrt(sum);
        if (norm > 0) {
            for (int i = 0; i < vector.length; i++) {
                vector[i] = (float) (vector[i] / norm);
            }
        }
        return vector;
    }

    /** The first output of rank 3: (batch, tokens, dims). */
    private static NDArray tokenStates(NDList outputs) {
        for (NDArray output : outputs) {
            if (output.getShape().dimension() == 3) {
                return output;
            }
        }
        throw new IllegalStateException("no token states among the model outputs " + outputs.getShapes().length
                + " (expected: one of shape [batch, tokens, dims])");
    }
}
