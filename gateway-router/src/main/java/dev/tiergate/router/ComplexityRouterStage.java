package dev.tiergate.router;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.config.AliasConfig;
import dev.tiergate.core.embedding.PromptEmbedding;
import dev.tiergate.core.embedding.SentenceEmbedder;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.Message;
import dev.tiergate.core.pipeline.Exchange;
import dev.tiergate.core.pipeline.AnswerHook;
import dev.tiergate.core.pipeline.FailurePolicy;
import dev.tiergate.core.pipeline.NamedStage;
import dev.tiergate.core.pipeline.StageStep;
import dev.tiergate.core.provider.ConversationFingerprint;
import dev.tiergate.core.routing.RouteCause;
import dev.tiergate.core.routing.RouteDecision;
import dev.tiergate.core.tokens.TokenCounter;
import dev.tiergate.router.classifier.Classification;
import dev.tiergate.router.classifier.ComplexityClassifier;
import dev.tiergate.router.classifier.RequestShape;
import dev.tiergate.router.learning.LearningRouter;
import dev.tiergate.router.policy.AliasResolver;
import dev.tiergate.router.policy.ConversationTiers;
import dev.tiergate.router.policy.Gates;
import dev.tiergate.router.policy.RouterSettings;
import dev.tiergate.router.policy.TeamRoutingPolicy;
import dev.tiergate.router.policy.Thresholds;
import dev.tiergate.router.policy.TierPolicy;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The complexity router, after the caches (a cache hit needs no route): picks the tier of an
 * alias request (by default {@code auto} and the team's own aliases; concrete models pass through
 * unless the team routes them) and leaves its {@link RouteDecision} in the request's {@code route}
 * fact, where the dispatcher picks that tier's models and the server reads the score and cause.
 * The score comes from the classifier on the prompt's sentence embedding, taken from the
 * request's {@code promptEmbedding} fact when the semantic cache computed it with the
 * classifier's embedding model, else computed here; tools, images, a JSON schema or a long
 * context raise the tier to at least {@code mid}. A team in {@code mode: cascade} is not
 * classified: its request starts at the alias's cheapest tier (cause {@code cascade}), where the
 * cascade ({@code router.cascade.CascadingDispatcher}) checks the answer and escalates.
 *
 * <p>The embedding, the features and the classification run on the worker executor, never on the
 * event loop. A failure there, or a full executor, routes the request to the alias's default
 * tier (cause {@code fallback}). The step's outcome is the route cause.
 */
public final class ComplexityRouterStage extends NamedStage {
    public static final String NAME = "complexity-router";

    private static final Logger log = LoggerFactory.getLogger(ComplexityRouterStage.class);

    private final ComplexityClassifier classifier;
    private final RouterSettings settings;
    private final Thresholds defaultThresholds;
    private final AliasResolver aliases;
    private final SentenceEmbedder embedder;
    private final Executor worker;
    private final TokenCounter tokens;
    private final LearningRouter learning;
    private final ConversationTiers conversationTiers;

    private ComplexityRouterStage(Builder b) {
        super(NAME, FailurePolicy.FAIL_OPEN);
        this.classifier = b.classifier;
        this.settings = b.settings;
        this.defaultThresholds = b.defaultThresholds;
        this.aliases = b.aliases;
        this.embedder = b.embedder;
        this.worker = b.worker;
        this.tokens = b.tokens;
        this.learning = b.learning;
        this.conversationTiers = b.conversationTiers;
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
    public CompletionStage<StageStep> before(Exchange exchange) {
        ChatRequest request = exchange.chat();
        if (exchange.facts().degradedTier().isSet()) {
            return StageStep.proceed(exchange, "budget-degraded");   // the team's budget chose the tier
        }
        TeamRoutingPolicy policy = settings.policyFor(exchange.caller().teamId());
        boolean isAlias = aliases.alias(exchange.caller().team(), request.model()) != null;
        String aliasName = policy.routeVia(exchange.caller().team(), request.model(), isAlias);
        AliasConfig alias = aliasName == null ? null : aliases.alias(exchange.caller().team(), aliasName);
        if (alias == null || alias.tiers().isEmpty()) {
            if (aliasName != null) {
                log.warn("team {} routes '{}' through alias '{}', which it cannot see; passed through",
                        exchange.caller().teamId(), request.model(), aliasName);
            }
            return StageStep.proceed(exchange, "passed-through");
        }
        Exchange routed = aliasName.equals(request.model())
                ? exchange : exchange.withRequest(request.withModel(aliasName));
        CompletableFuture<Analysis> analysis;
        try {
            analysis = CompletableFuture.supplyAsync(() -> analyse(exchange, policy), worker);
        } catch (RejectedExecutionException e) {
            analysis = CompletableFuture.completedFuture(
                    new Analysis(RequestShape.estimate(request), null, "worker executor is full", null));
        }
        return analysis
                .exceptionally(error -> new Analysis(null, null, String.valueOf(error), null))
                .thenApply(result -> route(routed, policy, aliasName, alias, result));
    }

    /** Runs on the worker: the request shape, the embedding if needed, the classification. */
    private Analysis analyse(Exchange exchange, TeamRoutingPolicy policy) {
        RequestShape shape = RequestShape.of(exchange.chat(), tokens);
        if (policy.pinnedTier() != null || policy.cascades(exchange.chat().isStream())) {
            return new Analysis(shape, null, null, null);
        }
        Message last = exchange.chat().lastUserMessage();
        String text = last == null ? "" : last.text();
        if (text.isBlank()) {
            return new Analysis(shape, null, "no user text to classify", null);
        }
        try {
            PromptEmbedding embedding = exchange.facts().promptEmbedding().get();
            if (!usable(embedding)) {
                if (embedder == null) {
                    return new Analysis(shape, null, "no embedding of model " + classifier.embeddingModelId(), null);
                }
                embedding = new PromptEmbedding(embedder.modelId(), embedder.embed(text));
                exchange.facts().promptEmbedding().setIfAbsent(embedding);
            }
            return new Analysis(shape, classifier.classify(embedding.vector(), text), null, embedding.vector());
        } catch (RuntimeException e) {
            return new Analysis(shape, null, e.toString(), null);
        }
    }

    private boolean usable(PromptEmbedding embedding) {
        return embedding != null
                && embedding.modelId().equals(classifier.embeddingModelId())
                && embedding.vector().length == classifier.embeddingDimensions();
    }

    /** Decides the tier and leaves the decision in the request's {@code route} fact. */
    private StageStep route(Exchange exchange, TeamRoutingPolicy policy, String aliasName, AliasConfig alias,
                            Analysis analysis) {
        RequestShape shape = analysis.shape() != null ? analysis.shape() : RequestShape.estimate(exchange.chat());
        if (analysis.failure() != null) {
            log.debug("request {} not classified, routed by fallback: {}", exchange.requestId(), analysis.failure());
        }
        boolean cascades = policy.cascades(exchange.chat().isStream());
        Gates.Result gates = Gates.evaluate(shape, policy.gates());
        RouteDecision decision = cascades
                ? TierPolicy.cascadeStart(policy, Gates.evaluate(shape, policy.cascade().gates(policy.gates())),
                        aliasName, alias)
                : TierPolicy.decide(policy, defaultThresholds, analysis.classification(), gates, aliasName, alias);
        String conversation = conversationTiers != null && exchange.caller().team().promptCache().prefixAffinity()
                ? ConversationFingerprint.of(exchange.chat()) : null;
        if (conversation != null && !cascades) {
            decision = conversationTiers.weigh(exchange.caller().teamId(), conversation, alias, decision,
                    shape.contextTokens());
        }
        AnswerHook watch = null;
        if (learning != null && !cascades) {   // a cascade checks every answer itself: nothing to learn a tier from
            boolean forced = !gates.fired().isEmpty() || policy.pinnedTier() != null || policy.minimumTier() != null
                    || decision.cause() == RouteCause.PROMPT_CACHE;
            LearningRouter.Routed learned = learning.route(exchange, decision, alias, analysis.embedding(), forced,
                    shape.contextTokens());
            decision = learned.decision();
            watch = learned.hook();
        }
        if (conversation != null) {
            conversationTiers.remember(exchange.caller().teamId(), conversation, decision, shape.contextTokens());
        }
        exchange.facts().route().set(decision);
        log.debug("request {} team {} alias {} -> tier {} model {} score {} cause {} gates {}",
                exchange.requestId(), exchange.caller().teamId(), aliasName, decision.tier(), decision.model(),
                decision.score(), decision.cause().headerValue(), decision.gates());
        return new StageStep.Proceed(exchange, watch, decision.cause().headerValue());
    }

    /**
     * What the worker found; {@code failure} says why there is no classification; {@code embedding}
     * is the prompt's (null when none was computed), for the learning router's clusters.
     */
    private record Analysis(RequestShape shape, Classification classification, String failure, float[] embedding) {
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
        private LearningRouter learning;
        private ConversationTiers conversationTiers;

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

        /**
         * Learning from traffic (router.learning): the team's bandit may change the tier of a
         * learnable request, and the decision is logged for feedback. Its clusters must live in the
         * classifier's embedding model. Default: none, the static router alone.
         */
        public Builder learning(LearningRouter newLearning) {
            requireNonNull(newLearning, "learning");
            if (!newLearning.clusters().embeddingModel().equals(classifier.embeddingModelId())) {
                throw new IllegalArgumentException("learning: clusters in " + newLearning.clusters().embeddingModel()
                        + " (expected: " + classifier.embeddingModelId() + ", the classifier's embedding)");
            }
            this.learning = newLearning;
            return this;
        }

        /**
         * Weighs a switch to a cheaper tier mid-conversation against the provider prompt cache it
         * loses (for teams with {@code prompt-cache.prefix-affinity}). Default: none, every turn
         * routed on its own.
         */
        public Builder conversationTiers(ConversationTiers tiers) {
            this.conversationTiers = requireNonNull(tiers, "tiers");
            return this;
        }

        public ComplexityRouterStage build() {
            return new ComplexityRouterStage(this);
        }
    }
}
