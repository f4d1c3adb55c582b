package dev.tiergate.server;

import dev.tiergate.cache.CacheConfigs;
import dev.tiergate.cache.exact.EmbeddingCache;
import dev.tiergate.cache.exact.EmbeddingCacheStage;
import dev.tiergate.cache.exact.ExactCacheStage;
import dev.tiergate.cache.semantic.SemanticCacheSettings;
import dev.tiergate.cache.semantic.SemanticCacheStage;
import dev.tiergate.cache.semantic.online.OnlineCheckState;
import dev.tiergate.cache.semantic.online.OnlineVerificationSettings;
import dev.tiergate.cache.semantic.online.OnlineVerifier;
import dev.tiergate.cache.semantic.online.ShadowCalls;
import dev.tiergate.cache.semantic.verify.OnnxPairVerifier;
import dev.tiergate.cache.semantic.store.SemanticStore;
import dev.tiergate.core.config.GatewayConfig;
import dev.tiergate.core.config.ModelConfig;
import dev.tiergate.core.config.SemanticCacheConfig;
import dev.tiergate.core.embedding.SentenceEmbedder;
import dev.tiergate.core.memory.HeapShare;
import dev.tiergate.core.pipeline.Terminal;
import dev.tiergate.core.provider.ModelCatalog;
import dev.tiergate.core.tokens.TokenCounter;
import dev.tiergate.inference.InferenceWorkers;
import dev.tiergate.inference.embedding.MicroBatchingEmbedder;
import dev.tiergate.inference.embedding.OnnxSentenceEmbedder;
import dev.tiergate.inference.tokens.JtokkitTokenCounter;
import dev.tiergate.router.ComplexityRouterStage;
import dev.tiergate.router.RouterConfigs;
import dev.tiergate.router.cascade.CascadingDispatcher;
import dev.tiergate.router.classifier.OnnxComplexityClassifier;
import dev.tiergate.router.learning.LearningRouter;
import dev.tiergate.router.learning.LearningSettings;
import dev.tiergate.router.learning.PromptClusters;
import dev.tiergate.router.policy.AliasResolver;
import dev.tiergate.router.policy.ConversationTiers;
import dev.tiergate.router.policy.RouterSettings;
import dev.tiergate.router.policy.TeamRoutingPolicy;
import dev.tiergate.router.policy.Thresholds;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cache and router stages of one config and what they run on: the exact caches (chat, and
 * per input for embeddings), the embedding models, the semantic store, the classifier and the
 * bounded worker pools that run model inference off the event loops. Built again on a reload, it
 * carries over from the previous build each part whose inputs are unchanged (the exact cache keeps
 * its entries; models are not loaded twice); {@link #closeExcept} then closes only what the next
 * build did not carry over.
 */
final class StageParts implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StageParts.class);
    /**
     * Prompts in one embedding model call: 1, no micro-batching (each lookup's run on the inference
     * workers, as before the batcher). Batches cost less CPU per prompt
     * under load, but the quantized model's vectors then depend on the prompts batched with them
     * (cosine 0.970-0.995 to a single run), so a hit would depend on the traffic it came with
     * (docs/benchmarks.md, "Embeddings under load").
     */
    private static final int EMBEDDING_BATCH = 1;
    /**
     * Threads ONNX Runtime uses inside one embedding call ({@code -Dtiergate.embedding.intra-op-threads},
     * default 1): more cut a lone prompt's wait on an idle machine, and take cores from the event
     * loops on a busy one.
     */
    private static final int EMBEDDING_INTRA_OP_THREADS = Integer.getInteger("tiergate.embedding.intra-op-threads", 1);
    /** A part and what it was built from: equal inputs, same part. */
    private record Keyed<T>(Object key, T part) {
    }

    private final Keyed<ExactCacheStage> exactCache;
    private final Keyed<EmbeddingCache> embeddingCache;
    private final Keyed<SemanticStore> semanticStore;
    private final Map<String, SentenceEmbedder> embedders;
    private final OnnxComplexityClassifier classifier;
    private final OnnxPairVerifier verifier;
    private final InferenceWorkers workers;
    private final Keyed<InferenceWorkers> lookupWorkers;
    private final SemanticCacheStage semanticCache;
    private final OnlineCheckState onlineState;
    private final OnlineVerifier online;
    private final ComplexityRouterStage router;
    private final Keyed<LearningParts> learningParts;
    private final LearningRouter learning;
    private final RouterSettings routerSettings;
    private final AliasResolver aliases;
    private final EmbeddingCacheStage embeddingCacheStage;
    private final List<String> descriptions;

    private StageParts(Builder b) {
        this.exactCache = b.exactCache;
        this.embeddingCache = b.embeddingCache;
        this.semanticStore = b.semanticStore;
        this.embedders = Map.copyOf(b.embedders);
        this.classifier = b.classifier;
        this.verifier = b.verifier;
        this.workers = b.workers;
        this.lookupWorkers = b.lookupWorkers;
        this.semanticCache = b.semanticCache;
        this.onlineState = b.onlineState;
        this.online = b.online;
        this.router = b.router;
        this.learningParts = b.learningParts;
        this.learning = b.learning;
        this.routerSettings = b.routerSettings;
        this.aliases = b.aliases;
        this.embeddingCacheStage = b.embeddingCacheStage;
        this.descriptions = List.copyOf(b.descriptions);
    }

    /** Builds the parts of {@code config}, carrying over from {@code previous} (may be null) what is unchanged. */
    static StageParts build(GatewayConfig config, ModelCatalog catalog, TokenCounter tokens, StageParts previous) {
        return build(config, catalog, tokens, previous, ShadowCalls.NONE);
    }

    /**
     * Builds the parts of {@code config}; {@code shadows} (NONE: online verification off) makes the
     * shadow calls of the semantic cache's online verification.
     */
    static StageParts build(GatewayConfig config, ModelCatalog catalog, TokenCounter tokens, StageParts previous,
                            ShadowCalls shadows) {
        Builder b = new Builder(previous);
        try {
            b.build(config, catalog, tokens, shadows);
            return new StageParts(b);
        } catch (RuntimeException e) {
            b.closeNew();
            throw e;
        }
    }

    /** The chat exact cache, or null when off. */
    ExactCacheStage exactCache() {
        return exactCache == null ? null : exactCache.part();
    }

    /** The embeddings exact cache, or null when the exact cache is off. */
    EmbeddingCacheStage embeddingCache() {
        return embeddingCacheStage;
    }

    SemanticCacheStage semanticCache() {
        return semanticCache;
    }

    ComplexityRouterStage router() {
        return router;
    }

    /** The learning router (feedback, admin view), or null when the router or learning is off. */
    LearningRouter learning() {
        return learning;
    }

    /** The semantic cache's online verification, or null when it is off. */
    OnlineVerifier onlineVerifier() {
        return online;
    }

    /**
     * The end of the chat pipeline: {@code dispatcher} behind the cascade, which answers the requests
     * the router started on a cascade ({@code mode: cascade}); the dispatcher alone when the router is off.
     */
    Terminal chatTerminal(Terminal dispatcher) {
        return routerSettings == null ? dispatcher : new CascadingDispatcher(dispatcher, aliases, routerSettings);
    }

    /** Whether {@code teamId}'s alias requests start on a cascade ({@code router.mode: cascade}, no pinned tier). */
    boolean cascades(String teamId) {
        if (routerSettings == null) {
            return false;
        }
        TeamRoutingPolicy policy = routerSettings.policyFor(teamId);
        return policy.enabled() && policy.cascades(false);
    }

    /** One line per stage for the start-up banner, without secrets. */
    List<String> descriptions() {
        return descriptions;
    }

    private List<Object> closeables() {
        List<Object> all = new ArrayList<>();
        all.add(semanticStore == null ? null : semanticStore.part());
        all.add(learningParts == null ? null : learningParts.part());
        all.addAll(embedders.values());
        all.add(classifier);
        all.add(verifier);
        all.add(workers);
        all.add(lookupWorkers == null ? null : lookupWorkers.part());
        all.removeIf(Objects::isNull);
        return all;
    }

    /** Closes every part that {@code successor} (null: none) did not carry over. */
    void closeExcept(StageParts successor) {
        Set<Object> kept = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        if (successor != null) {
            kept.addAll(successor.closeables());
        }
        for (Object part : closeables()) {
            if (!kept.contains(part)) {
                close(part);
            }
        }
    }

    @Override
    public void close() {
        closeExcept(null);
    }

    private static void close(Object part) {
        try {
            if (part instanceof AutoCloseable closeable) {
                closeable.close();
            }
        } catch (Exception e) {
            log.warn("closing a stage part failed", e);
        }
    }

    /** One build in progress: takes a previous part when its inputs are the same, else makes one. */
    private static final class Builder {
        private final StageParts previous;
        private final List<Object> created = new ArrayList<>();
        private Keyed<ExactCacheStage> exactCache;
        private Keyed<EmbeddingCache> embeddingCache;
        private Keyed<SemanticStore> semanticStore;
        private final Map<String, SentenceEmbedder> embedders = new HashMap<>();
        private OnnxComplexityClassifier classifier;
        private OnnxPairVerifier verifier;
        private InferenceWorkers workers;
        private Keyed<InferenceWorkers> lookupWorkers;
        private SemanticCacheStage semanticCache;
        private OnlineCheckState onlineState;
        private OnlineVerifier online;
        private ComplexityRouterStage router;
        private Keyed<LearningParts> learningParts;
        private LearningRouter learning;
        private RouterSettings routerSettings;
        private AliasResolver aliases;
        private EmbeddingCacheStage embeddingCacheStage;
        private final List<String> descriptions = new ArrayList<>();

        Builder(StageParts previous) {
            this.previous = previous;
        }

        /** {@code tokens}: the gateway's counter (the router's long-context gate). */
        void build(GatewayConfig config, ModelCatalog catalog, TokenCounter tokens, ShadowCalls shadows) {
            if (config.exactCache().enabled()) {
                Object key = List.of(config.exactCache(), CacheConfigs.teamCaches(config));
                exactCache = keyed(key, p -> p.exactCache,
                        () -> ExactCacheStage.of(CacheConfigs.exactCacheSettings(config)));
                embeddingCache = keyed(key, p -> p.embeddingCache,
                        () -> EmbeddingCache.of(CacheConfigs.exactCacheSettings(config)));
                embeddingCacheStage = new EmbeddingCacheStage(embeddingCache.part(), catalog);
                descriptions.add("exact cache: in memory, " + config.exactCache().maxSizeMb() + " MB, ttl "
                        + config.exactCache().ttl().toSeconds() + "s (chat and, per input, embeddings)");
            }
            SentenceEmbedder embedder = null;
            if (config.semanticCache().enabled()) {
                SemanticCacheConfig c = config.semanticCache();
                embedder = embedder(c.model());
                semanticStore = keyed(List.of(c.model(), c.maxSizeMb(), Objects.toString(c.redisUrl())),
                        p -> p.semanticStore, () -> CacheConfigs.semanticStore(c));
                // The cache's lookups have workers of their own, in the background unless configured not to:
                // they are shed when those are busy, and given up past the lookup timeout; the router's
                // workers stay free for routing, which requests wait for (InferenceWorkers).
                lookupWorkers = keyed(c.backgroundLookups(), p -> p.lookupWorkers, () -> {
                    InferenceWorkers.Builder pool = InferenceWorkers.builder().threadNamePrefix("tiergate-lookup-");
                    // in the background a thread per core: they take only idle CPU, and a miss's write
                    // then never holds up the next request's lookup
                    return c.backgroundLookups()
                            ? pool.background(true).threads(Runtime.getRuntime().availableProcessors()).build()
                            : pool.build();
                });
                SemanticCacheSettings settings = CacheConfigs.semanticCacheSettings(config);
                SemanticCacheStage.Builder stage = SemanticCacheStage.builder(embedder, semanticStore.part(),
                        lookupWorkers.part().sheddingExecutor()).continuing(lookupWorkers.part().continuingExecutor())
                        .lookupTimeout(c.lookupTimeout()).settings(settings);
                // The verifier compares MiniLM-q token states: it runs only over the model it was trained on,
                // with the lexical guards in front of it only if it was chosen with them.
                boolean verified = c.verifier() && CacheConfigs.verifierModel().equals(c.model());
                if (verified) {
                    verifier = reuse(p -> p.verifier, OnnxPairVerifier::load);
                    stage.verifier(verifier).settings(settings.withGuards(verifier.spec().guards()
                            ? SemanticCacheSettings.DEFAULT_GUARDS : Set.of()));
                } else if (c.verifier()) {
                    log.warn("cache.semantic.verifier: the pair verifier is trained on {} token states, not {}:"
                            + " the semantic cache runs without it (cosine and guards)", CacheConfigs.verifierModel(),
                            c.model());
                }
                OnlineVerificationSettings checks = CacheConfigs.onlineVerificationSettings(config);
                if (shadows != ShadowCalls.NONE && checks.anyChecked()) {
                    // estimates and tightenings carry over a reload that keeps the window and the bound
                    onlineState = previous != null && previous.onlineState != null && previous.onlineState.fits(checks)
                            ? previous.onlineState : new OnlineCheckState(checks.window(), checks.maxConcurrent());
                    OnlineVerifier.Builder onlineBuilder = OnlineVerifier.builder(checks, settings, embedder,
                            onlineState, shadows, lookupWorkers.part().sheddingExecutor());
                    if (verified) {
                        onlineBuilder.verifier(verifier);
                    }
                    online = onlineBuilder.build();
                    stage.online(online);
                }
                semanticCache = stage.build();
                descriptions.add("semantic cache: " + c.model() + ", " + (verified ? "verifier " + verifier.version()
                        + ", floor " + c.threshold() + ", precision target " + c.precisionTarget()
                        : "threshold " + c.threshold()) + ", "
                        + (online == null ? "" : "online verification of " + c.onlineVerification().share() * 100
                                + "% of hits, ")
                        + (c.usesRedis() ? "redis store" : "in-memory store, " + c.maxSizeMb() + " MB")
                        + ", lookups " + (c.backgroundLookups() ? "in the background" : "at normal priority")
                        + " within " + c.lookupTimeout().toMillis() + " ms");
            }
            if (config.routerEnabled()) {
                // The classifier counts its length feature with the encoding it was trained on (cl100k_base).
                classifier = reuse(p -> p.classifier, () -> OnnxComplexityClassifier.load(JtokkitTokenCounter.cl100k()));
                if (embedder == null || !embedder.modelId().equals(classifier.embeddingModelId())) {
                    embedder = embedder(classifier.embeddingModelId());
                }
                Thresholds defaults = Thresholds.of(classifier.spec().thresholdMid(),
                        classifier.spec().thresholdFrontier());
                routerSettings = RouterConfigs.routerSettings(config, classifier.spec().calibration());
                aliases = catalog::alias;
                ComplexityRouterStage.Builder stage = ComplexityRouterStage.builder(classifier, defaults, aliases,
                                workers().executor(), tokens)
                        .settings(routerSettings)
                        .embedder(embedder)
                        .conversationTiers(new ConversationTiers(Clock.systemUTC(), name -> {
                            ModelConfig model = config.models().get(name);
                            return model == null ? null : model.pricing();
                        }, HeapShare.entries("conversations remembered for prompt-cache affinity",
                                ConversationTiers.DEFAULT_CAPACITY, ConversationTiers.BYTES_PER_TURN)));
                LearningSettings learningSettings = RouterConfigs.learningSettings(config);
                if (RouterConfigs.learningUsed(learningSettings)) {
                    learningParts = keyed(LearningParts.key(config, learningSettings), p -> p.learningParts,
                            () -> LearningParts.create(config, learningSettings));
                    learning = LearningRouter.builder(PromptClusters.load(), learningParts.part().decisions(),
                                    learningParts.part().rewards())
                            .settings(learningSettings)
                            .costs(LearningParts.tierCosts(config))
                            .build();
                    stage.learning(learning);
                }
                router = stage.build();
                descriptions.add("complexity router: " + classifier.spec().version()
                        + ", default thresholds mid " + defaults.mid() + " frontier " + defaults.frontier()
                        + (learning == null ? "" : ", learning from feedback (" + learning.clusters().version()
                        + ", state " + learningParts.part().description() + ")"));
            }
        }

        /** The pool of the router's model runs (the semantic cache's lookups have their own). */
        private InferenceWorkers workers() {
            if (workers == null) {
                workers = reuse(p -> p.workers, InferenceWorkers::create);
            }
            return workers;
        }

        private SentenceEmbedder embedder(String model) {
            SentenceEmbedder found = embedders.get(model);
            if (found == null && previous != null) {
                found = previous.embedders.get(model);
            }
            if (found == null) {
                OnnxSentenceEmbedder onnx = OnnxSentenceEmbedder.builder().model(model)
                        .intraOpThreads(EMBEDDING_INTRA_OP_THREADS).build();
                onnx.embed("warm-up");   // ONNX Runtime's first run costs ~10x a later one: not on a request's clock
                // Batching on: at most one batch waits behind the running one; beyond it the cache sheds its lookup.
                found = EMBEDDING_BATCH > 1 ? new MicroBatchingEmbedder(onnx, EMBEDDING_BATCH, EMBEDDING_BATCH) : onnx;
                created.add(found);
            }
            embedders.put(model, found);
            return found;
        }

        private <T> Keyed<T> keyed(Object key, Function<StageParts, Keyed<T>> old, Supplier<T> create) {
            Keyed<T> before = previous == null ? null : old.apply(previous);
            if (before != null && before.key().equals(key)) {
                return before;
            }
            T part = create.get();
            created.add(part);
            return new Keyed<>(key, part);
        }

        private <T> T reuse(Function<StageParts, T> old, Supplier<T> create) {
            T before = previous == null ? null : old.apply(previous);
            if (before != null) {
                return before;
            }
            T part = create.get();
            created.add(part);
            return part;
        }

        /** A failed build closes what it made; the previous build keeps what it has. */
        void closeNew() {
            created.forEach(StageParts::close);
        }
    }
}
