package dev.tiergate.inference.embedding;

import static java.util.Objects.requireNonNull;

import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import dev.tiergate.inference.OnnxRuntimeSetup;
import dev.tiergate.inference.PooledPredictor;
import dev.tiergate.inference.wordpiece.WordPieceTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link dev.tiergate.core.embedding.SentenceEmbedder} running a small transformer through DJL on ONNX Runtime, fully
 * offline: the model and tokenizer come from jar resources (see {@link EmbeddingModel}), and DJL's
 * network switches are turned off ({@link OnnxRuntimeSetup#enforceOffline()}) before DJL starts. The vector is
 * the model's pooling of the token states (mean over the attention mask, or CLS), L2-normalised;
 * {@link #embedTokens} gives the token states of the same run too.
 *
 * <p>Thread-safe: each concurrent caller borrows its own predictor. {@link #embed} blocks for a
 * few milliseconds (about 4 ms for a short sentence with the quantized MiniLM): call it on a
 * bounded worker executor, never on an event loop. The JVM needs
 * {@code --enable-native-access=ALL-UNNAMED} on JDK 24 and later.
 *
 * <pre>{@code
 * SentenceEmbedder embedder = OnnxSentenceEmbedder.builder()
 *         .model(EmbeddingModel.ALL_MINILM_L6_V2_Q)
 *         .intraOpThreads(1)
 *         .build();
 * }</pre>
 */
public final class OnnxSentenceEmbedder implements TokenEmbedder {
    private static final Logger log = LoggerFactory.getLogger(OnnxSentenceEmbedder.class);
    @SuppressWarnings("unchecked")
    private static final Class<List<String>> TEXTS = (Class<List<String>>) (Class<?>) List.class;
    @SuppressWarnings("unchecked")
    private static final Class<List<TokenEmbedding>> EMBEDDINGS = (Class<List<TokenEmbedding>>) (Class<?>) List.class;

    /**
     * Predictors kept idle between calls: enough for every inference worker and the few other
     * callers (online verification, {@code /v1/embeddings}) at once; a burst beyond makes and
     * closes extra ones.
     */
    private static final int POOL_SIZE = 16;

    private final EmbeddingModel model;
    private final WordPieceTokenizer tokenizer;
    private final PooledPredictor<List<String>, List<TokenEmbedding>> runs;
    private final AtomicBoolean closed = new AtomicBoolean();

    private OnnxSentenceEmbedder(EmbeddingModel model, WordPieceTokenizer tokenizer,
                                 ZooModel<List<String>, List<TokenEmbedding>> zooModel) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.runs = new PooledPredictor<>("embedding with " + model.id(), zooModel, POOL_SIZE);
    }

    /** Loads the default model ({@link EmbeddingModel#ALL_MINILM_L6_V2_Q}) with default options. */
    public static OnnxSentenceEmbedder create() {
        return builder().build();
    }

    /** Loads a model with default options. */
    public static OnnxSentenceEmbedder of(EmbeddingModel model) {
        return builder().model(model).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The model this embedder runs. */
    public EmbeddingModel model() {
        return model;
    }

    @Override
    public String modelId() {
        return model.id();
    }

    @Override
    public int dimensions() {
        return model.dimensions();
    }

    @Override
    public float[] embed(String text) {
        return embedTokens(text).vector();
    }

    @Override
    public TokenEmbedding embedTokens(String text) {
        return embedTokens(List.of(requireNonNull(text, "text"))).getFirst();
    }

    /**
     * One model run over several texts, padded to the longest: each text's embedding, in order.
     * Cheaper per text than one run each once a few are waiting; equal to single runs within the
     * quantized model's tolerance (its activations are quantized per batch).
     */
    @Override
    public List<TokenEmbedding> embedTokens(List<String> texts) {
        if (texts.isEmpty()) {
            return List.of();
        }
        if (closed.get()) {
            throw new IllegalStateException("embedder " + model.id() + " is closed");
        }
        return runs.predict(texts);
    }

    /**
     * Whether {@code text} is longer than the model's input window, so that {@link #embed} sees only
     * its beginning. Callers that must not treat two texts as alike when only their beginnings are
     * (a cache) check this first.
     */
    public boolean truncates(String text) {
        return tokenizer.encode(requireNonNull(text, "text")).truncated();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        runs.close();
    }

    /** Builds an {@link OnnxSentenceEmbedder}; {@link #build()} loads the model (about half a second). */
    public static final class Builder {
        private EmbeddingModel model = EmbeddingModel.ALL_MINILM_L6_V2_Q;
        private int intraOpThreads = 1;
        private Integer maxTokens;

        private Builder() {
        }

        public Builder model(EmbeddingModel newModel) {
            this.model = requireNonNull(newModel, "model");
            return this;
        }

        /** The model by id, e.g. {@code all-minilm-l6-v2-q}, as configuration names it. */
        public Builder model(String modelId) {
            return model(EmbeddingModel.fromId(modelId));
        }

        /**
         * Threads ONNX Runtime uses inside one call. Default 1: parallelism comes from the worker
         * executor running several calls at once.
         */
        public Builder intraOpThreads(int threads) {
            if (threads <= 0) {
                throw new IllegalArgumentException("intraOpThreads: " + threads + " (expected: > 0)");
            }
            this.intraOpThreads = threads;
            return this;
        }

        /** Truncate inputs to this many tokens (special tokens included). Default: the model's limit. */
        public Builder maxTokens(int tokens) {
            if (tokens < 2 || tokens > model.maxTokens()) {
                throw new IllegalArgumentException("maxTokens: " + tokens + " (expected: 2.." + model.maxTokens()
                        + " for " + model.id() + ")");
            }
            this.maxTokens = tokens;
            return this;
        }

        public OnnxSentenceEmbedder build() {
            OnnxRuntimeSetup.enforceOffline();   // before DJL starts: it calls home otherwise
            int limit = maxTokens != null ? Math.min(maxTokens, model.maxTokens()) : model.maxTokens();
            long started = System.nanoTime();
            WordPieceTokenizer tokenizer = loadTokenizer(model, limit);
            ZooModel<List<String>, List<TokenEmbedding>> zooModel = loadModel(model, tokenizer, intraOpThreads);
            log.info("loaded embedding model {} ({} dimensions, {} pooling) in {} ms", model.id(),
                    model.dimensions(), model.pooling(), (System.nanoTime() - started) / 1_000_000);
            return new OnnxSentenceEmbedder(model, tokenizer, zooModel);
        }

        private static WordPieceTokenizer loadTokenizer(EmbeddingModel model, int maxTokens) {
            try (InputStream in = resource(model.tokenizerResource(), model)) {
                return WordPieceTokenizer.load(in, maxTokens);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read tokenizer of " + model.id(), e);
            }
        }

        private static ZooModel<List<String>, List<TokenEmbedding>> loadModel(EmbeddingModel model, WordPieceTokenizer tokenizer,
                                                           int intraOpThreads) {
            InputStream graph;
            try {
                graph = resource(model.modelResource(), model);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot load embedding model " + model.id(), e);
            }
            Criteria.Builder<List<String>, List<TokenEmbedding>> criteria = Criteria.builder()
                    .setTypes(TEXTS, EMBEDDINGS)
                    .optTranslator(new PoolingTranslator(tokenizer, model.pooling()));
            return OnnxRuntimeSetup.loadModel("embedding model " + model.id(), graph, criteria, intraOpThreads);
        }

        private static InputStream resource(String name, EmbeddingModel model) throws IOException {
            InputStream in = OnnxSentenceEmbedder.class.getClassLoader().getResourceAsStream(name);
            if (in == null) {
                throw new IOException("resource " + name + " not on the classpath (expected: the jar"
                        + " dev.langchain4j:langchain4j-embeddings-" + model.id() + ")");
            }
            return in;
        }
    }
}
