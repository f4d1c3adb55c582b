package dev.tiergate.server;

import dev.tiergate.cache.exact.ExactCacheSettings;
import dev.tiergate.cache.exact.ExactCacheStage;
import dev.tiergate.cache.semantic.SemanticCacheSettings;
import dev.tiergate.cache.semantic.SemanticCacheStage;
import dev.tiergate.cache.semantic.SemanticTeamSettings;
import dev.tiergate.cache.semantic.embedding.OnnxSentenceEmbedder;
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
import dev.tiergate.router.ComplexityRouterStage;
import dev.tiergate.router.classifier.ComplexityTier;
import dev.tiergate.router.classifier.OnnxComplexityClassifier;
import dev.tiergate.router.policy.GateSettings;
import dev.tiergate.router.policy.RouterSettings;
import dev.tiergate.router.policy.TeamRoutingPolicy;
import dev.tiergate.router.policy.Thresholds;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the pipeline's stages from the config (exact cache, semantic cache, complexity router)
 * and owns what they run on: the embedding model, the classifier, the Redis store and the bounded
 * worker pool that runs model inference off the event loops. Closing it releases them.
 */
final class PipelineStages implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PipelineStages.class);
    /**
     * Routing waits for the classifier unless this many are queued (then the default tier and the
     * gates decide). The semantic cache instead sheds load: with every embedding worker busy and one
     * lookup waiting each, a request skips the lookup (a miss) rather than queue behind model runs,
     * so under CPU saturation the cache never becomes the bottleneck.
     */
    private static final int ROUTER_QUEUE = 256;

    private final List<PipelineStage> stages;
    private final Deque<AutoCloseable> resources;
    private final List<String> descriptions;

    private PipelineStages(List<PipelineStage> stages, Deque<AutoCloseable> resources, List<String> descriptions) {
        this.stages = List.copyOf(stages);
        this.resources = resources;
        this.descriptions = List.copyOf(descriptions);
    }

    static PipelineStages build(GatewayConfig config, ModelCatalog catalog) {
        List<PipelineStage> stages = new ArrayList<>();
        Deque<AutoCloseable> resources = new ArrayDeque<>();
        List<String> descriptions = new ArrayList<>();
        try {
            if (config.exactCache().enabled()) {
                stages.add(ExactCacheStage.of(exactCacheSettings(config)));
                descriptions.add("exact cache: in memory, " + config.exactCache().maxSizeMb() + " MB, ttl "
                        + config.exactCache().ttl().toSeconds() + "s");
            }
            boolean semantic = config.semanticCache().enabled();
            boolean router = config.routerEnabled();
            if (!semantic && !router) {
                return new PipelineStages(stages, resources, descriptions);
            }
            SentenceEmbedder embedder = null;
            if (semantic) {
                SemanticCacheConfig c = config.semanticCache();
                embedder = OnnxSentenceEmbedder.builder().model(c.model()).intraOpThreads(1).build();
                resources.push(embedder);
                SemanticStore store = c.usesRedis()
                        ? RedisSemanticStore.builder(c.redisUrl()).build()
                        : InMemorySemanticStore.builder().maxSizeMb(c.maxSizeMb()).build();
                resources.push(store);
                ThreadPoolExecutor workers = workers("tiergate-embed-", 1);
                resources.push(workers::shutdownNow);
                stages.add(SemanticCacheStage.builder(embedder, store, workers)
                        .settings(semanticSettings(config)).build());
                descriptions.add("semantic cache: " + c.model() + ", threshold " + c.threshold() + ", "
                        + (c.usesRedis() ? "redis store" : "in-memory store, " + c.maxSizeMb() + " MB"));
            }
            if (router) {
                OnnxComplexityClassifier classifier = OnnxComplexityClassifier.load();
                resources.push(classifier);
                if (embedder == null || !embedder.modelId().equals(classifier.embeddingModelId())) {
                    embedder = OnnxSentenceEmbedder.builder().model(classifier.embeddingModelId()).intraOpThreads(1)
                            .build();
                    resources.push(embedder);
                }
                Thresholds defaults = Thresholds.of(classifier.spec().thresholdMid(), classifier.spec().thresholdFrontier());
                ThreadPoolExecutor workers = workers("tiergate-route-", ROUTER_QUEUE);
                resources.push(workers::shutdownNow);
                stages.add(ComplexityRouterStage.builder(classifier, defaults, catalog::alias, workers)
                        .settings(routerSettings(config))
                        .embedder(embedder)
                        .build());
                descriptions.add("complexity router: " + classifier.spec().version() + ", default thresholds mid "
                        + defaults.mid() + " frontier " + defaults.frontier());
            }
            return new PipelineStages(stages, resources, descriptions);
        } catch (RuntimeException e) {
            new PipelineStages(List.of(), resources, List.of()).close();
            throw e;
        }
    }

    List<PipelineStage> stages() {
        return stages;
    }

    /**
     * Exposes the stages' own counters: {@code tiergate.cache.exact.*}, {@code tiergate.cache.semantic.*}
     * (including lookups skipped under load and store errors, e.g. Redis down) and
     * {@code tiergate.router.*}. Read when scraped, so the hot path pays nothing.
     */
    void bindMetrics(MeterRegistry registry) {
        for (PipelineStage stage : stages) {
            switch (stage) {
                case ExactCacheStage exact -> {
                    counter(registry, "tiergate.cache.exact.lookups", "outcome", "hit", () -> exact.stats().hits());
                    counter(registry, "tiergate.cache.exact.lookups", "outcome", "miss", () -> exact.stats().misses());
                    counter(registry, "tiergate.cache.exact.lookups", "outcome", "bypass", () -> exact.stats().bypasses());
                    counter(registry, "tiergate.cache.exact.stores", "outcome", "stored", () -> exact.stats().stores());
                    counter(registry, "tiergate.cache.exact.stores", "outcome", "rejected", () -> exact.stats().rejected());
                    counter(registry, "tiergate.cache.exact.removals", "cause", "evicted", () -> exact.stats().evictions());
                    counter(registry, "tiergate.cache.exact.removals", "cause", "expired", () -> exact.stats().expirations());
                    Gauge.builder("tiergate.cache.exact.entries", exact, e -> e.stats().entries()).register(registry);
                    Gauge.builder("tiergate.cache.exact.bytes", exact, e -> e.stats().bytes()).register(registry);
                }
                case SemanticCacheStage semantic -> {
                    counter(registry, "tiergate.cache.semantic.lookups", "outcome", "hit", () -> semantic.stats().hits());
                    counter(registry, "tiergate.cache.semantic.lookups", "outcome", "miss", () -> semantic.stats().misses());
                    counter(registry, "tiergate.cache.semantic.lookups", "outcome", "bypass", () -> semantic.stats().bypasses());
                    counter(registry, "tiergate.cache.semantic.lookups", "outcome", "skipped", () -> semantic.stats().skipped());
                    counter(registry, "tiergate.cache.semantic.stores", "outcome", "stored", () -> semantic.stats().stores());
                    counter(registry, "tiergate.cache.semantic.stores", "outcome", "rejected", () -> semantic.stats().rejected());
                    counter(registry, "tiergate.cache.semantic.errors", "kind", "store", () -> semantic.stats().storeErrors());
                    counter(registry, "tiergate.cache.semantic.errors", "kind", "embedding", () -> semantic.stats().embedErrors());
                    counter(registry, "tiergate.cache.semantic.errors", "kind", "decode", () -> semantic.stats().decodeErrors());
                }
                case ComplexityRouterStage router -> {
                    counter(registry, "tiergate.router.passed.through", "kind", "concrete-model",
                            () -> router.stats().passedThrough());
                    counter(registry, "tiergate.router.embeddings", "source", "shared", () -> router.stats().embeddingsReused());
                    counter(registry, "tiergate.router.embeddings", "source", "computed",
                            () -> router.stats().embeddingsComputed());
                    counter(registry, "tiergate.router.failures", "kind", "classifier", () -> router.stats().failures());
                }
                default -> {
                }
            }
        }
    }

    private static void counter(MeterRegistry registry, String name, String tag, String value, Supplier<Long> count) {
        FunctionCounter.builder(name, count, c -> c.get()).tags(tag, value).register(registry);
    }

    /** One line per stage for the start-up banner, without secrets. */
    List<String> descriptions() {
        return descriptions;
    }

    @Override
    public void close() {
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Exception e) {
                log.warn("closing a stage resource failed", e);
            }
        }
    }

    /** A bounded pool for model runs: half the cores, {@code queuePerThread} waiting tasks per thread. */
    private static ThreadPoolExecutor workers(String name, int queuePerThread) {
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(threads * queuePerThread), r -> {
                    Thread t = new Thread(r, name + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        pool.allowCoreThreadTimeOut(false);
        return pool;
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
