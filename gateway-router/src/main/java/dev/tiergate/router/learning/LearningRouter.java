package dev.tiergate.router.learning;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.config.AliasConfig;
import dev.tiergate.core.pipeline.AnswerHook;
import dev.tiergate.core.pipeline.Exchange;
import dev.tiergate.core.routing.RouteCause;
import dev.tiergate.core.routing.RouteDecision;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router's learning part (issue 19): after the static router decided, lets each team's bandit
 * choose the tier of a learnable request and logs the decision with its context and propensity;
 * takes explicit feedback and implicit signals and turns them into rewards in the shared store.
 * A request is learnable when the classifier's score chose its tier and it has a prompt cluster: a
 * gate, a pinned or minimum tier, a budget or a fallback leave it to the static router, and then
 * nothing is explored.
 */
public final class LearningRouter {
    private static final Logger log = LoggerFactory.getLogger(LearningRouter.class);
    static final String EXPLICIT = "explicit";
    static final String IMPLICIT = "implicit";

    private final PromptClusters clusters;
    private final DecisionLog decisions;
    private final RewardStore rewards;
    private final LearningSettings settings;
    private final TierCosts costs;
    private final Clock clock;
    private final Supplier<RandomGenerator> random;
    private final ConcurrentMap<String, TeamLearner> learners = new ConcurrentHashMap<>();

    private LearningRouter(Builder b) {
        this.clusters = b.clusters;
        this.decisions = b.decisions;
        this.rewards = b.rewards;
        this.settings = b.settings;
        this.costs = b.costs;
        this.clock = b.clock;
        this.random = b.random;
    }

    public static Builder builder(PromptClusters clusters, DecisionLog decisions, RewardStore rewards) {
        return new Builder(clusters, decisions, rewards);
    }

    /** The decision to serve and the hook that watches its answer (null: none). */
    public record Routed(RouteDecision decision, AnswerHook hook) {
    }

    /** What became of a score sent to {@code POST /v1/feedback}. */
    public enum FeedbackOutcome { ACCEPTED, NOT_FOUND, ALREADY_SCORED }

    /**
     * @param decided       the static router's decision
     * @param embedding     the prompt's embedding in the clusters' model, or null
     * @param forced        whether a gate, a pinned or minimum tier forced the tier (nothing is learned or explored)
     * @param contextTokens the request's context tokens
     */
    public Routed route(Exchange exchange, RouteDecision decided, AliasConfig alias, float[] embedding,
                        boolean forced, long contextTokens) {
        String team = exchange.caller().teamId();
        TeamLearning teamSettings = settings.forTeam(team);
        if (!teamSettings.enabled() || exchange.facts().shadowCheckOf().get() != null) {
            // a shadow call of the semantic cache's online verification: no client scores it, it must not explore
            return new Routed(decided, null);
        }
        int cluster = clusters.nearest(embedding);
        boolean learnable = !forced && cluster >= 0 && decided.cause() == RouteCause.CLASSIFIER;
        Cell cell = learnable ? new Cell(alias.name(), cluster, decided.tier()) : null;
        RouteDecision decision = decided;
        double propensity = 1.0;
        if (cell != null) {
            TeamLearner learner = learner(team);
            TeamLearner.Snapshot snapshot = learner.snapshot(teamSettings);
            boolean turn = snapshot.stats().explicit() > 0 && learner.exploreTurn(teamSettings.exploreRate());
            TierBandit.Choice choice = TierBandit.choose(cell, new ArrayList<>(alias.tiers().keySet()),
                    snapshot.stats(), snapshot.serving(), teamSettings, turn, random.get().nextDouble());
            propensity = choice.propensity();
            if (!choice.tier().equals(decided.tier()) || choice.cause() != decided.cause()) {
                List<String> models = alias.tiers().get(choice.tier());
                decision = new RouteDecision(decided.alias(), choice.tier(),
                        models == null || models.isEmpty() ? null : models.getFirst(), decided.score(), choice.cause(),
                        decided.probabilities(), decided.gates());
            }
        }
        LoggedDecision logged = new LoggedDecision(exchange.requestId(), team, alias.name(),
                cell == null ? null : cell.key(), cluster, decided.score(), contextTokens, decided.tier(),
                decision.tier(), propensity, costs.relativeCost(alias, decision.tier()),
                decision.cause().headerValue(), clock.millis());
        decisions.record(logged).whenComplete((ok, error) -> {
            if (error != null) {
                log.warn("request {}: decision not logged (feedback on it will get 404): {}", logged.requestId(),
                        error.toString());
            }
        });
        if (teamSettings.signals().regeneration()) {
            decisions.swapFingerprint(team, ContextFingerprint.of(alias.name(), exchange.chat()), exchange.requestId(),
                            teamSettings.signals().regenerationWindow())
                    .thenAccept(previous -> {
                        if (previous != null && !previous.equals(exchange.requestId())) {
                            implicit(previous, ImplicitSignals.REGENERATION);
                        }
                    });
        }
        AnswerHook hook = cell == null ? null : new AnswerSignals(decision.tier(), exchange.facts(),
                teamSettings.signals(), SchemaCheck.requested(exchange.chat()), signal -> implicit(logged, signal));
        return new Routed(decision, hook);
    }

    /** An implicit signal on a logged request: a reward of quality 0, once per request. */
    private void implicit(String requestId, String signal) {
        decisions.find(requestId).thenAccept(found -> {
            if (found != null) {
                implicit(found, signal);
            }
        });
    }

    private void implicit(LoggedDecision decision, String signal) {
        if (!decision.learnable()) {
            return;
        }
        decisions.claim(decision.requestId(), IMPLICIT).thenCompose(first -> first
                        ? rewards.add(decision.team(), Reward.of(decision, 0.0, false))
                        : CompletableFuture.<Void>completedFuture(null))
                .whenComplete((ok, error) -> {
                    if (error != null) {
                        log.warn("request {}: implicit signal {} not recorded: {}", decision.requestId(), signal,
                                error.toString());
                    } else {
                        log.debug("request {}: implicit signal {}", decision.requestId(), signal);
                    }
                });
    }

    /**
     * An explicit score from {@code team} on {@code requestId}: not found when the request is
     * unknown, expired or another team's; already scored on a second score. A comment is logged only
     * when the team opted in ({@code log-comments}).
     */
    public CompletionStage<FeedbackOutcome> feedback(String team, String requestId, double score, String comment) {
        if (!(score >= 0 && score <= 1)) {
            throw new IllegalArgumentException("score: " + score + " (expected: in [0, 1])");
        }
        return decisions.find(requestId).thenCompose(found -> {
            if (found == null || !found.team().equals(team)) {
                return CompletableFuture.completedFuture(FeedbackOutcome.NOT_FOUND);
            }
            return decisions.claim(requestId, EXPLICIT).thenCompose(first -> {
                if (!first) {
                    return CompletableFuture.completedFuture(FeedbackOutcome.ALREADY_SCORED);
                }
                if (comment != null && settings.forTeam(team).logComments()) {
                    log.info("feedback on request {} from team {}: score {}, comment: {}", requestId, team, score,
                            comment);
                }
                CompletionStage<Void> added = found.learnable()
                        ? rewards.add(team, Reward.of(found, score, true)) : CompletableFuture.completedFuture(null);
                return added.thenApply(ok -> FeedbackOutcome.ACCEPTED);
            });
        });
    }

    /** What the router learned for a team ({@code GET /admin/routing/{team}}), read fresh from the store. */
    public CompletionStage<LearningReport> report(String team) {
        TeamLearning teamSettings = settings.forTeam(team);
        TeamLearner learner = learner(team);
        return learner.refresh(teamSettings).thenCompose(ignored -> rewards.stats(team).thenCombine(
                rewards.serving(team), (stats, serving) -> LearningReport.of(team, teamSettings, stats, serving,
                        learner.estimate(stats, teamSettings))));
    }

    /** Reads a team's shared state again now (and promotes a supported policy); tests and the admin view. */
    public CompletionStage<Void> refresh(String team) {
        return learner(team).refresh(settings.forTeam(team)).thenApply(ignored -> null);
    }

    private TeamLearner learner(String team) {
        return learners.computeIfAbsent(team, t -> new TeamLearner(t, rewards, clock,
                settings.refresh().toMillis()));
    }

    public PromptClusters clusters() {
        return clusters;
    }

    public LearningSettings settings() {
        return settings;
    }

    /** Builds a {@link LearningRouter}. */
    public static final class Builder {
        private final PromptClusters clusters;
        private final DecisionLog decisions;
        private final RewardStore rewards;
        private LearningSettings settings = LearningSettings.defaults();
        private TierCosts costs = TierCosts.byPosition();
        private Clock clock = Clock.systemUTC();
        private Supplier<RandomGenerator> random = ThreadLocalRandom::current;

        private Builder(PromptClusters clusters, DecisionLog decisions, RewardStore rewards) {
            this.clusters = requireNonNull(clusters, "clusters");
            this.decisions = requireNonNull(decisions, "decisions");
            this.rewards = requireNonNull(rewards, "rewards");
        }

        public Builder settings(LearningSettings newSettings) {
            this.settings = requireNonNull(newSettings, "settings");
            return this;
        }

        public Builder costs(TierCosts newCosts) {
            this.costs = requireNonNull(newCosts, "costs");
            return this;
        }

        public Builder clock(Clock newClock) {
            this.clock = requireNonNull(newClock, "clock");
            return this;
        }

        /** Where the draw picking an explored tier comes from (tests seed one); default: the thread's own generator. */
        public Builder random(Supplier<RandomGenerator> newRandom) {
            this.random = requireNonNull(newRandom, "random");
            return this;
        }

        public LearningRouter build() {
            return new LearningRouter(this);
        }
    }
}
