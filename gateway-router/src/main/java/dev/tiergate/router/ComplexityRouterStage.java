package dev.tiergate.router;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.config.AliasConfig;
import dev.tiergate.core.embedding.PromptEmbedding;
import dev.tiergate.core.embedding.SentenceEmbedder;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.Message;
import dev.tiergate.core.pipeline.Attributes;
import dev.tiergate.core.pipeline.ChatExchange;
import dev.tiergate.core.pipeline.ChatResult;
import dev.tiergate.core.pipeline.FailurePolicy;
import dev.tiergate.core.pipeline.PipelineStage;
import dev.tiergate.core.pipeline.ResultMetadata;
import dev.tiergate.core.routing.RouteDecision;
import dev.tiergate.core.routing.RoutingAttributes;
import dev.tiergate.core.tokens.TokenCounter;
import dev.tiergate.router.classifier.Classification;
import dev.tiergate.router.classifier.ComplexityClassifier;
import dev.tiergate.router.classifier.RequestShape;
import dev.tiergate.router.policy.AliasResolver;
import dev.tiergate.router.policy.Gates;
import dev.tiergate.router.policy.RouterSettings;
import dev.tiergate.router.policy.TeamRoutingPolicy;
import dev.tiergate.router.policy.Thresholds;
import dev.tiergate.router.policy.TierPolicy;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The complexity router, after the caches: picks the tier of an alias request (by default
 * {@code auto} and the team's own aliases; concrete models pass through unless the team routes
 * them) and leaves it in {@link Attributes#TIER} for the dispatcher. The score comes from the
 * classifier on the prompt's sentence embedding, taken from {@link Attributes#PROMPT_EMBEDDING}
 * when the semantic cache computed it with the classifier's embedding model, else computed here;
 * tools, images, a JSON schema or a long context raise the tier to at least {@code mid}.
 *
 * <p>The embedding, the features and the classification run on the worker executor, never on
 * the event loop; the request resumes on {@link ChatExchange#executor()}. A failure there routes
 * the request to the alias's default tier (cause {@code fallback}). Answers carry
 * {@value #COMPLEXITY_HEADER} and {@value #CAUSE_HEADER}; the decision itself is left in
 * {@link RoutingAttributes#ROUTE_DECISION} for the request log and metrics.
 */
public final class ComplexityRouterStage implements PipelineStage {
    public static final String NAME = "complexity-router";
    /** After the exact (100) and semantic caches: a cache hit needs no route. */
    public static final int ORDER = 300;
    public static final String COMPLEXITY_HEADER = "x-tiergate-complexity";
    public static final String CAUSE_HEADER = "x-tiergate-route-cause";

    private static final Logger log = LoggerFactory.getLogger(ComplexityRouterStage.class);

    private final ComplexityClassifier classifier;
    private final RouterSettings settings;
    private final Thresholds defaultThresholds;
    private final AliasResolver aliases;
    private final SentenceEmbedder embedder;
    private final Executor worker;
    private final TokenCounter tokens;
    private final Map<String, LongAdder> routed = new ConcurrentHashMap<>();
    private final LongAdder passedThrough = new LongAdder();
    private final LongAdder embeddingsReused = new LongAdder();
    private final LongAdder embeddingsComputed = new LongAdder();
    private final LongAdder failures = new LongAdder();

    private ComplexityRouterStage(Builder b) {
        this.classifier = b.classifier;
        this.settings = b.settings;
        this.defaultThresholds = b.defaultThresholds;
        this.aliases = b.aliases;
        this.embedder = b.embedder;
        this.worker = b.worker;
        this.tokens = b.tokens;
    }

    /**
     * @param classifier        the complexity classifier (usually {@code OnnxComplexityClassifier.load()})
     * @param defaultThresholds thresholds for teams that set none (the classifier's recommended ones)
     * @param aliases           the alias a team sees under a name ({@code ModelCatalog::alias})
     * @param worker            a bounded executor for embedding and classification, never an event loop
     * @param tokens            counts the context tokens the long-context gate compares
     */
    public static Builder builder(ComplexityClassifier classifier, Thresholds defaultThresholds,
                                  AliasResolver aliases, Executor worker, TokenCounter tokens) {
        return new Builder(classifier, defaultThresholds, aliases, worker, tokens);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int order() {
        return ORDER;
    }

    @Override
    public FailurePolicy failurePolicy() {
        return FailurePolicy.FAIL_OPEN;
    }

    public RouterStats stats() {
        Map<String, Long> counts = new TreeMap<>();
        routed.forEach((key, adder) -> counts.put(key, adder.sum()));
        return new RouterStats(counts, passedThrough.sum(), embeddingsReused.sum(), embeddingsComputed.sum(),
                failures.sum());
    }

    @Override
    public CompletionStage<ChatResult> handle(ChatExchange exchange, StageChain chain) {
        ChatRequest request = exchange.request();
        TeamRoutingPolicy policy = settings.policyFor(exchange.caller().teamId());
        boolean isAlias = aliases.alias(exchange.caller().team(), request.model()) != null;
        String aliasName = policy.routeVia(exchange.caller().team(), request.model(), isAlias);
        AliasConfig alias = aliasName == null ? null : aliases.alias(exchange.caller().team(), aliasName);
        if (alias == null || alias.tiers().isEmpty()) {
            if (aliasName != null) {
                log.warn("team {} routes '{}' through alias '{}', which it cannot see; passed through",
                        exchange.caller().teamId(), request.model(), aliasName);
            }
            passedThrough.increment();
            return chain.proceed(exchange);
        }
        ChatExchange routedExchange = aliasName.equals(request.model())
                ? exchange : exchange.withRequest(request.withModel(aliasName));
        PromptEmbedding shared = exchange.attribute(Attributes.PROMPT_EMBEDDING);
        CompletableFuture<Analysis> analysis;
        try {
            analysis = CompletableFuture.supplyAsync(() -> analyse(exchange, policy, shared), worker);
        } catch (RejectedExecutionException e) {
            analysis = CompletableFuture.completedFuture(
                    new Analysis(RequestShape.estimate(request), null, null, "worker executor is full"));
        }
        return analysis
                .exceptionally(error -> new Analysis(null, null, null, String.valueOf(error)))
                .thenComposeAsync(result -> route(routedExchange, chain, policy, aliasName, alias, result),
                        exchange.executor());
    }

    /** Runs on the worker: the request shape, the embedding if needed, the classification. */
    private Analysis analyse(ChatExchange exchange, TeamRoutingPolicy policy, PromptEmbedding shared) {
        RequestShape shape = RequestShape.of(exchange.request(), tokens);
        if (policy.pinnedTier() != null) {
            return new Analysis(shape, null, null, null);
        }
        Message last = exchange.request().lastUserMessage();
        String text = last == null ? "" : last.text();
        if (text.isBlank()) {
            return new Analysis(shape, null, null, "no user text to classify");
        }
        try {
            PromptEmbedding embedding = usable(shared) ? shared : null;
            PromptEmbedding computed = null;
            if (embedding != null) {
                embeddingsReused.increment();
            } else if (embedder != null) {
                computed = new PromptEmbedding(embedder.modelId(), embedder.embed(text));
                embeddingsComputed.increment();
                embedding = computed;
            } else {
                return new Analysis(shape, null, null, "no embedding of model " + classifier.embeddingModelId());
            }
            return new Analysis(shape, classifier.classify(embedding.vector(), text), computed, null);
        } catch (RuntimeException e) {
            return new Analysis(shape, null, null, e.toString());
        }
    }

    private boolean usable(PromptEmbedding embedding) {
        return embedding != null
                && embedding.modelId().equals(classifier.embeddingModelId())
                && embedding.vector().length == classifier.embeddingDimensions();
    }

    /** Runs on the event loop: decide, record, go on, and tag the answer. */
    private CompletionStage<ChatResult> route(ChatExchange exchange, StageChain chain, TeamRoutingPolicy policy,
                                              String aliasName, AliasConfig alias, Analysis analysis) {
        RequestShape shape = analysis.shape() != null ? analysis.shape() : RequestShape.estimate(exchange.request());
        if (analysis.failure() != null) {
            failures.increment();
            log.debug("request {} not classified, routed by fallback: {}", exchange.requestId(), analysis.failure());
        }
        if (analysis.computedEmbedding() != null && exchange.attribute(Attributes.PROMPT_EMBEDDING) == null) {
            exchange.setAttribute(Attributes.PROMPT_EMBEDDING, analysis.computedEmbedding());
        }
        Gates.Result gates = Gates.evaluate(shape, policy.gates());
        RouteDecision decision = TierPolicy.decide(policy, defaultThresholds, analysis.classification(), gates,
                aliasName, alias);
        exchange.setAttribute(Attributes.TIER, decision.tier());
        exchange.setAttribute(RoutingAttributes.ROUTE_DECISION, decision);
        routed.computeIfAbsent(decision.tier() + "/" + decision.cause().headerValue(), k -> new LongAdder())
                .increment();
        log.debug("request {} team {} alias {} -> tier {} model {} score {} cause {} gates {}",
                exchange.requestId(), exchange.caller().teamId(), aliasName, decision.tier(), decision.model(),
                decision.score(), decision.cause().headerValue(), decision.gates());
        return chain.proceed(exchange).thenApply(result -> tag(result, decision));
    }

    static ChatResult tag(ChatResult result, RouteDecision decision) {
        ResultMetadata metadata = result.metadata() != null
                ? result.metadata() : new ResultMetadata(null, null, null, null, Map.of());
        if (metadata.tier() == null) {
            metadata = metadata.withTier(decision.tier());
        }
        if (decision.score() != null) {
            metadata = metadata.withHeader(COMPLEXITY_HEADER, formatScore(decision.score()));
        }
        metadata = metadata.withHeader(CAUSE_HEADER, decision.cause().headerValue());
        return result.withMetadata(metadata);
    }

    static String formatScore(double score) {
        return String.format(Locale.ROOT, "%.4f", score);
    }

    /** What the worker found; {@code failure} says why there is no classification. */
    private record Analysis(RequestShape shape, Classification classification, PromptEmbedding computedEmbedding,
                            String failure) {
    }

    /** Builds a {@link ComplexityRouterStage}. */
    public static final class Builder {
        private final ComplexityClassifier classifier;
        private final Thresholds defaultThresholds;
        private final AliasResolver aliases;
        private final Executor worker;
        private final TokenCounter tokens;
        private RouterSettings settings = RouterSettings.defaults();
        private SentenceEmbedder embedder;

        private Builder(ComplexityClassifier classifier, Thresholds defaultThresholds, AliasResolver aliases,
                        Executor worker, TokenCounter tokens) {
            this.classifier = requireNonNull(classifier, "classifier");
            this.defaultThresholds = requireNonNull(defaultThresholds, "defaultThresholds");
            this.aliases = requireNonNull(aliases, "aliases");
            this.worker = requireNonNull(worker, "worker");
            this.tokens = requireNonNull(tokens, "tokens");
        }

        /** Per-team policies; default: every team on {@link TeamRoutingPolicy#defaults()}. */
        public Builder settings(RouterSettings newSettings) {
            this.settings = requireNonNull(newSettings, "settings");
            return this;
        }

        /**
         * The embedder used when no stage left a usable embedding (the semantic cache is off or
         * uses another model). It must be the classifier's embedding model. Without one, such
         * requests are routed by fallback.
         */
        public Builder embedder(SentenceEmbedder newEmbedder) {
            requireNonNull(newEmbedder, "embedder");
            if (!newEmbedder.modelId().equals(classifier.embeddingModelId())
                    || newEmbedder.dimensions() != classifier.embeddingDimensions()) {
                throw new IllegalArgumentException("embedder: " + newEmbedder.modelId() + " with "
                        + newEmbedder.dimensions() + " dimensions (expected: " + classifier.embeddingModelId()
                        + " with " + classifier.embeddingDimensions() + ", the classifier's training embedding)");
            }
            this.embedder = newEmbedder;
            return this;
        }

        public ComplexityRouterStage build() {
            return new ComplexityRouterStage(this);
        }
    }
}
