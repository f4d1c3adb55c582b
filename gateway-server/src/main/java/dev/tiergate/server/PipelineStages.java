package dev.tiergate.server;

import dev.tiergate.cache.exact.EmbeddingCache;
import dev.tiergate.cache.exact.ExactCacheSettings;
import dev.tiergate.cache.exact.ExactCacheStage;
import dev.tiergate.cache.semantic.SemanticCacheSettings;
import dev.tiergate.cache.semantic.SemanticCacheStage;
import dev.tiergate.cache.semantic.SemanticTeamSettings;
import dev.tiergate.cache.semantic.store.InMemorySemanticStore;
import dev.tiergate.cache.semantic.store.RedisSemanticStore;
import dev.tiergate.cache.semantic.store.SemanticStore;
import dev.tiergate.core.config.ExactCacheConfig;
import dev.tiergate.core.config.GatewayConfig;
import dev.tiergate.core.config.RoutingPolicyConfig;
import dev.tiergate.core.config.SemanticCacheConfig;
import dev.tiergate.core.config.TeamCacheConfig;
import dev.tiergate.core.config.TeamConfig;
import dev.tiergate.core.config.TeamSemanticCacheConfig;
import dev.tiergate.core.embedding.SentenceEmbedder;
import dev.tiergate.core.pipeline.PipelineStage;
import dev.tiergate.core.provider.ModelCatalog;
import dev.tiergate.core.tokens.TokenCounter;
import dev.tiergate.inference.InferenceWorkers;
import dev.tiergate.inference.embedding.OnnxSentenceEmbedder;
import dev.tiergate.inference.tokens.JtokkitTokenCounter;
import dev.tiergate.router.ComplexityRouterStage;
import dev.tiergate.router.classifier.ComplexityTier;
import dev.tiergate.router.classifier.OnnxComplexityClassifier;
import dev.tiergate.router.policy.GateSettings;
import dev.tiergate.router.policy.RouterSettings;
import dev.tiergate.router.policy.TeamRoutingPolicy;
import dev.tiergate.router.policy.Thresholds;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the pipeline's stages from the config (exact cache, semantic cache, complexity router)
 * and owns what they run on: the embedding model, the classifier, the Redis store and the bounded
 * worker pool that runs model inference off the event loops. Closing it releases them.
 * Built again on a config reload, it takes over from the previous build what the new config
 * would build the same (the exact cache and its entries, an embedder of the same model, the
 * semantic store, the classifier, the worker pool); closing the previous build then releases
 * only what was not taken over.
 */
final class PipelineStages implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PipelineStages.class);

    private final List<PipelineStage> stages;
    /** What the stages run on, by what it was built from; closed in reverse order. */
    private final LinkedHashMap<Object, Object> parts;
    private final List<String> descriptions;
    private final EmbeddingCache embeddingCache;
    private final List<Meter> meters = new ArrayList<>();

    private PipelineStages(List<PipelineStage> stages, LinkedHashMap<Object, Object> parts, List<String> descriptions,
                           EmbeddingCache embeddingCache) {
        this.embeddingCache = embeddingCache;
        this.stages = List.copyOf(stages);
        this.parts = parts;
        this.descriptions = List.copyOf(descriptions);
    }

    static PipelineStages build(GatewayConfig config, ModelCatalog catalog, TokenCounter tokens) {
        return build(config, catalog, tokens, null);
    }

    /**
     * Builds the stages of {@code config}, taking over from {@code previous} (may be null) what it can reuse;
     * {@code tokens} is the gateway's counter (the router's long-context gate).
     */
    static PipelineStages build(GatewayConfig config, ModelCatalog catalog, TokenCounter tokens,
                                PipelineStages previous) {
        List<PipelineStage> stages = new ArrayList<>();
        Parts resources = new Parts(previous);
        List<String> descriptions = new ArrayList<>();
        EmbeddingCache embeddingCache = null;
        try {
            if (config.exactCache().enabled()) {
                stages.add(resources.get(List.of("exact-cache", config.exactCache(), teamCaches(config)),
                        () -> ExactCacheStage.of(exactCacheSettings(config))));
                embeddingCache = resources.get(List.of("embedding-cache", config.exactCache(), teamCaches(config)),
                        () -> EmbeddingCache.of(exactCacheSettings(config)));
                descriptions.add("exact cache: in memory, " + config.exactCache().maxSizeMb() + " MB, ttl "
                        + config.exactCache().ttl().toSeconds() + "s (chat and, per input, embeddings)");
            }
            boolean semantic = config.semanticCache().enabled();
            boolean router = config.routerEnabled();
            if (!semantic && !router) {
                return new PipelineStages(stages, resources.owned, descriptions, embeddingCache);
            }
            SentenceEmbedder embedder = null;
            if (semantic) {
                SemanticCacheConfig c = config.semanticCache();
                embedder = embedder(resources, c.model());
                SemanticStore store = resources.get(List.of("semantic-store", c.model(), c.maxSizeMb(), c.redisUrl()),
                        () -> c.usesRedis()
                                ? RedisSemanticStore.builder(c.redisUrl()).build()
                                : InMemorySemanticStore.builder().maxSizeMb(c.maxSizeMb()).build());
                // The cache sheds its lookups when the shared workers are busy; the router waits (InferenceWorkers).
                InferenceWorkers workers = resources.get("inference-workers", InferenceWorkers::create);
                stages.add(SemanticCacheStage.builder(embedder, store, workers.sheddingExecutor())
                        .settings(semanticSettings(config)).build());
                descriptions.add("semantic cache: " + c.model() + ", threshold " + c.threshold() + ", "
                        + (c.usesRedis() ? "redis store" : "in-memory store, " + c.maxSizeMb() + " MB"));
            }
            if (router) {
                // The classifier counts its length feature with the encoding it was trained on (cl100k_base).
                OnnxComplexityClassifier classifier = resources.get("classifier",
                        () -> OnnxComplexityClassifier.load(JtokkitTokenCounter.cl100k()));
                if (embedder == null || !embedder.modelId().equals(classifier.embeddingModelId())) {
                    embedder = embedder(resources, classifier.embeddingModelId());
                }
                Thresholds defaults = Thresholds.of(classifier.spec().thresholdMid(), classifier.spec().thresholdFrontier());
                InferenceWorkers workers = resources.get("inference-workers", InferenceWorkers::create);
                stages.add(ComplexityRouterStage.builder(classifier, defaults, catalog::alias, workers.executor(), tokens)
                        .settings(routerSettings(config))
                        .embedder(embedder)
                        .build());
                descriptions.add("complexity router: " + classifier.spec().version() + ", default thresholds mid "
                        + defaults.mid() + " frontier " + defaults.frontier());
            }
            return new PipelineStages(stages, resources.owned, descriptions, embeddingCache);
        } catch (RuntimeException e) {
            resources.giveBack();
            new PipelineStages(List.of(), resources.owned, List.of(), null).close();
            throw e;
        }
    }

    private static SentenceEmbedder embedder(Parts resources, String model) {
        return resources.get(List.of("embedder", model),
                () -> OnnxSentenceEmbedder.builder().model(model).intraOpThreads(1).build());
    }

    /** Each team's cache settings: the exact cache is rebuilt (and emptied) only when these or its own change. */
    private static Map<String, TeamCacheConfig> teamCaches(GatewayConfig config) {
        Map<String, TeamCacheConfig> caches = new HashMap<>();
        config.teams().values().forEach(team -> caches.put(team.id(), team.cache()));
        return caches;
    }

    /** Takes {@code key}'s part out of this build, for the next one; null when it has none. */
    private synchronized Object release(Object key) {
        return parts.remove(key);
    }

    private synchronized void restore(Object key, Object part) {
        parts.put(key, part);
    }

    /** The parts of a build in progress: its own, those taken from the previous build, and new ones. */
    private static final class Parts {
        final LinkedHashMap<Object, Object> owned = new LinkedHashMap<>();
        private final PipelineStages previous;
        private final List<Object> taken = new ArrayList<>();

        Parts(PipelineStages previous) {
            this.previous = previous;
        }

        @SuppressWarnings("unchecked")
        <T> T get(Object key, Supplier<T> create) {
            Object part = owned.get(key);
            if (part == null && previous != null) {
                part = previous.release(key);
                if (part != null) {
                    taken.add(key);
                }
            }
            if (part == null) {
                part = create.get();
            }
            owned.put(key, part);
            return (T) part;
        }

        /** A failed build returns what it took, so the previous build keeps running on it. */
        void giveBack() {
            for (Object key : taken) {
                previous.restore(key, owned.remove(key));
            }
        }
    }

    List<PipelineStage> stages() {
        return stages;
    }

    /** The per-input exact cache of {@code /v1/embeddings}; null when the exact cache is off. */
    EmbeddingCache embeddingCache() {
        return embeddingCache;
    }

    /**
     * Exposes the stages' own counters: {@code tiergate.cache.exact.*}, {@code tiergate.cache.semantic.*}
     * (including lookups skipped under load and store errors, e.g. Redis down) and
     * {@code tiergate.router.*}. Read when scraped, so the hot path pays nothing.
     */
    void bindMetrics(MeterRegistry registry) {
        unbindMetrics(registry);
        for (PipelineStage stage : stages) {
            switch (stage) {
                case ExactCacheStage exact -> {
                    counter(registry, "tiergate.cache.exact.lookups", "outcome", "hit", exact, s -> s.stats().hits());
                    counter(registry, "tiergate.cache.exact.lookups", "outcome", "miss", exact, s -> s.stats().misses());
                    counter(registry, "tiergate.cache.exact.lookups", "outcome", "bypass", exact, s -> s.stats().bypasses());
                    counter(registry, "tiergate.cache.exact.stores", "outcome", "stored", exact, s -> s.stats().stores());
                    counter(registry, "tiergate.cache.exact.stores", "outcome", "rejected", exact, s -> s.stats().rejected());
                    counter(registry, "tiergate.cache.exact.removals", "cause", "evicted", exact, s -> s.stats().evictions());
                    counter(registry, "tiergate.cache.exact.removals", "cause", "expired", exact, s -> s.stats().expirations());
                    meters.add(Gauge.builder("tiergate.cache.exact.entries", exact, e -> e.stats().entries())
                            .register(registry));
                    meters.add(Gauge.builder("tiergate.cache.exact.bytes", exact, e -> e.stats().bytes()).register(registry));
                }
                case SemanticCacheStage semantic -> {
                    counter(registry, "tiergate.cache.semantic.lookups", "outcome", "hit", semantic, s -> s.stats().hits());
                    counter(registry, "tiergate.cache.semantic.lookups", "outcome", "miss", semantic, s -> s.stats().misses());
                    counter(registry, "tiergate.cache.semantic.lookups", "outcome", "bypass", semantic, s -> s.stats().bypasses());
                    counter(registry, "tiergate.cache.semantic.lookups", "outcome", "skipped", semantic, s -> s.stats().skipped());
                    counter(registry, "tiergate.cache.semantic.stores", "outcome", "stored", semantic, s -> s.stats().stores());
                    counter(registry, "tiergate.cache.semantic.stores", "outcome", "rejected", semantic, s -> s.stats().rejected());
                    counter(registry, "tiergate.cache.semantic.errors", "kind", "store", semantic, s -> s.stats().storeErrors());
                    counter(registry, "tiergate.cache.semantic.errors", "kind", "embedding", semantic, s -> s.stats().embedErrors());
                    counter(registry, "tiergate.cache.semantic.errors", "kind", "decode", semantic, s -> s.stats().decodeErrors());
                }
                case ComplexityRouterStage router -> {
                    counter(registry, "tiergate.router.passed.through", "kind", "concrete-model", router, s -> s.stats().passedThrough());
                    counter(registry, "tiergate.router.embeddings", "source", "shared", router, s -> s.stats().embeddingsReused());
                    counter(registry, "tiergate.router.embeddings", "source", "computed", router, s -> s.stats().embeddingsComputed());
                    counter(registry, "tiergate.router.failures", "kind", "classifier", router, s -> s.stats().failures());
                }
                default -> {
                }
            }
        }
    }

    /**
     * A counter read from {@code stage} when scraped. Micrometer holds its state object weakly: it
     * must be the stage (held by the pipeline), never a lambda made here, or the counter reads 0
     * after the next GC.
     */
    private <T> void counter(MeterRegistry registry, String name, String tag, String value, T stage,
                             ToDoubleFunction<T> count) {
        meters.add(FunctionCounter.builder(name, stage, count).tags(tag, value).register(registry));
    }

    /** Removes this build's stage meters, so that the next build's stages can report under the same names. */
    void unbindMetrics(MeterRegistry registry) {
        meters.forEach(registry::remove);
        meters.clear();
    }

    /** One line per stage for the start-up banner, without secrets. */
    List<String> descriptions() {
        return descriptions;
    }

    @Override
    public synchronized void close() {
        List<Object> left = new ArrayList<>(parts.values());
        parts.clear();
        for (Object part : left.reversed()) {
            try {
                if (part instanceof ExecutorService pool) {
                    pool.shutdownNow();
                } else if (part instanceof AutoCloseable closeable) {
                    closeable.close();
                }
            } catch (Exception e) {
                log.warn("closing a stage resource failed", e);
            }
        }
    }

    static ExactCacheSettings exactCacheSettings(GatewayConfig config) {
        ExactCacheConfig cache = config.exactCache();
        Map<String, Duration> ttls = new HashMap<>();
        Map<String, String> namespaces = new HashMap<>();
        Map<String, Boolean> nonDeterministic = new HashMap<>();
        for (TeamConfig team : config.teams().values()) {
            TeamCacheConfig t = team.cache();
            if (t.ttl() != null) {
                ttls.put(team.id(), t.ttl());
            }
            if (t.namespace() != null) {
                namespaces.put(team.id(), t.namespace());
            }
            nonDeterministic.put(team.id(), t.cacheNonDeterministic() != null ? t.cacheNonDeterministic()
                    : cache.cacheNonDeterministic());
        }
        return ExactCacheSettings.builder()
                .maxSizeMb(cache.maxSizeMb())
                .defaultTtl(cache.ttl())
                .teamTtls(ttls)
                .namespaces(namespaces)
                .cacheNonDeterministic(caller -> nonDeterministic.getOrDefault(caller.teamId(), cache.cacheNonDeterministic()))
                .build();
    }

    static SemanticCacheSettings semanticSettings(GatewayConfig config) {
        SemanticCacheConfig c = config.semanticCache();
        SemanticTeamSettings defaults = SemanticTeamSettings.defaults().toBuilder()
                .enabled(true).threshold(c.threshold()).ttl(c.ttl()).build();
        SemanticCacheSettings.Builder settings = SemanticCacheSettings.builder()
                .defaults(defaults)
                .cacheNonDeterministic(config.exactCache().cacheNonDeterministic());
        for (TeamConfig team : config.teams().values()) {
            TeamSemanticCacheConfig t = team.cache().semantic();
            SemanticTeamSettings.Builder b = defaults.toBuilder();
            if (t.enabled() != null) {
                b.enabled(t.enabled());
            }
            if (t.threshold() != null) {
                b.threshold(t.threshold());
            }
            if (t.ttl() != null) {
                b.ttl(t.ttl());
            }
            // The semantic cache shares the exact cache's namespace unless the team names its own.
            String namespace = t.namespace() != null ? t.namespace() : team.cache().namespace();
            if (namespace != null) {
                b.namespace(namespace);
            }
            if (t.encryptionKeyBase64() != null) {
                b.encryptionKeyBase64(t.encryptionKeyBase64());
            }
            settings.team(team.id(), b.build());
        }
        return settings.build();
    }

    static RouterSettings routerSettings(GatewayConfig config) {
        TeamRoutingPolicy base = policy(TeamRoutingPolicy.defaults(), config.router());
        RouterSettings.Builder settings = RouterSettings.builder().defaultPolicy(base);
        for (TeamConfig team : config.teams().values()) {
            if (!team.router().equals(RoutingPolicyConfig.INHERIT)) {
                settings.team(team.id(), policy(base, team.router()));
            }
        }
        return settings.build();
    }

    /** {@code base} with the fields {@code yaml} sets. */
    private static TeamRoutingPolicy policy(TeamRoutingPolicy base, RoutingPolicyConfig yaml) {
        TeamRoutingPolicy.Builder b = base.toBuilder();
        if (yaml.enabled() != null) {
            b.enabled(yaml.enabled());
        }
        if (yaml.thresholdMid() != null || yaml.thresholdFrontier() != null) {
            Thresholds current = base.thresholds();
            double mid = yaml.thresholdMid() != null ? yaml.thresholdMid() : current != null ? current.mid() : 0;
            double frontier = yaml.thresholdFrontier() != null ? yaml.thresholdFrontier()
                    : current != null ? current.frontier() : 1;
            b.thresholds(mid, frontier);
        }
        if (yaml.route() != null) {
            b.routedAliases(new HashSet<>(yaml.route()));
        }
        if (yaml.routeModels() != null) {
            yaml.routeModels().forEach(b::routeModel);
        }
        if (yaml.gateTools() != null || yaml.gateImages() != null || yaml.gateJsonSchema() != null
                || yaml.longContextTokens() != null) {
            GateSettings g = base.gates();
            b.gates(new GateSettings(
                    yaml.gateTools() != null ? yaml.gateTools() : g.tools(),
                    yaml.gateImages() != null ? yaml.gateImages() : g.images(),
                    yaml.gateJsonSchema() != null ? yaml.gateJsonSchema() : g.jsonSchema(),
                    yaml.longContextTokens() != null ? yaml.longContextTokens() : g.longContextTokens()));
        }
        if (yaml.pinTier() != null) {
            b.pinnedTier(ComplexityTier.of(yaml.pinTier()));
        }
        if (yaml.minTier() != null) {
            b.minimumTier(ComplexityTier.of(yaml.minTier()));
        }
        return b.build();
    }
}
