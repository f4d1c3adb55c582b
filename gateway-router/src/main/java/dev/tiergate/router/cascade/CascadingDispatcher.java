package dev.tiergate.router.cascade;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.config.AliasConfig;
import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.pipeline.Answer;
import dev.tiergate.core.pipeline.BilledAttempt;
import dev.tiergate.core.pipeline.Exchange;
import dev.tiergate.core.pipeline.RequestFacts;
import dev.tiergate.core.pipeline.Served;
import dev.tiergate.core.pipeline.Terminal;
import dev.tiergate.core.routing.Escalation;
import dev.tiergate.core.routing.RouteCause;
import dev.tiergate.core.routing.RouteDecision;
import dev.tiergate.router.policy.AliasResolver;
import dev.tiergate.router.policy.CascadeSettings;
import dev.tiergate.router.policy.RouterSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Flux;

/**
 * The cascade: in front of the provider dispatcher, it answers a request the router started on a
 * cascade (route cause {@code cascade}) one tier at a time. Each tier is one dispatch of its own
 * (with the dispatcher's retries, fallbacks and escalation on errors); its answer is checked
 * ({@link AnswerChecks}) and kept, or, when a check fails and the alias has a stronger tier than
 * the one that answered, billed as {@code escalated}, recorded as an {@link Escalation} with the
 * check as its cause, and the request goes on to the next tier. The strongest tier's answer is
 * kept unchecked. A stream (only for teams with {@code cascade-streams: buffered}; the router
 * classifies the others) is held back by a {@link StreamHold}: checked like a complete answer when it
 * ends within the hold's bounds, else committed to and streamed on unchecked. Every other request
 * goes straight to the dispatcher.
 *
 * <p>The dispatcher reads the tier from the request's {@code route} fact and leaves who answered
 * in its {@code served} fact, both set once; so each tier is dispatched on an attempt exchange
 * (the request's deadline, cancellation and executor; facts of its own with that tier's route),
 * and the cascade carries over into the request's facts what the kept attempt served and what
 * every attempt billed. One deadline bounds all tiers.
 */
public final class CascadingDispatcher implements Terminal {
    private final Terminal dispatcher;
    private final AliasResolver aliases;
    private final RouterSettings settings;
    private final Map<CascadeSettings, AnswerChecks> checks = new ConcurrentHashMap<>();

    /**
     * @param dispatcher the provider dispatcher
     * @param aliases    the alias a team sees under a name ({@code ModelCatalog::alias})
     * @param settings   the teams' routing policies, whose {@code cascade} settings say what to check
     */
    public CascadingDispatcher(Terminal dispatcher, AliasResolver aliases, RouterSettings settings) {
        this.dispatcher = requireNonNull(dispatcher, "dispatcher");
        this.aliases = requireNonNull(aliases, "aliases");
        this.settings = requireNonNull(settings, "settings");
    }

    @Override
    public CompletionStage<Answer> answer(Exchange exchange) {
        RouteDecision route = exchange.facts().route().get();
        if (route == null || route.cause() != RouteCause.CASCADE || !exchange.isChat()) {
            return dispatcher.answer(exchange);
        }
        AliasConfig alias = aliases.alias(exchange.caller().team(), route.alias());
        if (alias == null) {
            return dispatcher.answer(exchange);
        }
        CascadeSettings cascade = settings.policyFor(exchange.caller().teamId()).cascade();
        Cascade run = new Cascade(exchange, route, alias, cascade, checks.computeIfAbsent(cascade, AnswerChecks::of));
        return run.tier(route.tier());
    }

    /** The name of the tier after {@code tier} in {@code alias}, or null when it is the strongest (or unknown). */
    static String nextTier(AliasConfig alias, String tier) {
        List<String> names = new ArrayList<>(alias.tiers().keySet());
        int index = tier == null ? -1 : names.indexOf(tier);
        return index < 0 || index + 1 >= names.size() ? null : names.get(index + 1);
    }

    /** One cascaded request on its way up the tiers. */
    private final class Cascade {
        private final Exchange exchange;
        private final RouteDecision route;
        private final AliasConfig alias;
        private final CascadeSettings cascade;
        private final AnswerChecks answerChecks;
        private int attempts;

        Cascade(Exchange exchange, RouteDecision route, AliasConfig alias, CascadeSettings cascade,
                AnswerChecks answerChecks) {
            this.exchange = exchange;
            this.route = route;
            this.alias = alias;
            this.cascade = cascade;
            this.answerChecks = answerChecks;
        }

        /** Dispatches the request to {@code tier}; checks, keeps or escalates what answers. */
        CompletionStage<Answer> tier(String tier) {
            Exchange attempt = attemptOn(tier);
            return dispatcher.answer(attempt)
                    .whenComplete((answer, error) -> carryOverBilled(attempt.facts()))
                    .thenCompose(answer -> checked(attempt.facts().served().get(), answer));
        }

        private CompletionStage<Answer> checked(Served served, Answer answer) {
            attempts += served == null ? 0 : served.attempts();
            String next = served == null ? null : nextTier(alias, served.tier());
            return switch (answer) {
                case Answer.Complete complete when next != null -> checked(served, complete.completion(), answer, next);
                case Answer.Stream stream when next != null -> held(served, stream, next);
                default -> kept(served, answer);
            };
        }

        /** A stream held back until it ends (then checked) or the hold lets go of it (then kept unchecked). */
        private CompletionStage<Answer> held(Served served, Answer.Stream stream, String next) {
            StreamHold hold = StreamHold.start(stream.chunks(), cascade.holdBytes(), cascade.hold(), exchange.executor());
            exchange.cancellation().onCancel(hold::cancel);
            return hold.outcome().whenComplete((outcome, error) -> {
                if (error != null) {
                    // the client left while the stream was held: the provider bills what it sent
                    exchange.facts().billedAttempts().add(new BilledAttempt(served.provider(), served.model(),
                            served.tier(), null, BilledAttempt.ABANDONED));
                }
            }).thenComposeAsync(outcome -> switch (outcome) {
                case StreamHold.Committed committed -> kept(served, stream.withChunks(committed.stream()));
                case StreamHold.Ended ended -> checked(served, ended.aggregate(),
                        stream.withChunks(Flux.fromIterable(ended.chunks())), next);
            }, exchange.executor());
        }

        /** Keeps {@code answer} when {@code completion} passes the checks, else escalates to {@code next}. */
        private CompletionStage<Answer> checked(Served served, ChatCompletion completion, Answer answer, String next) {
            String cause = answerChecks.firstFailure(exchange.chat(), completion);
            if (cause == null) {
                return kept(served, answer);
            }
            exchange.facts().billedAttempts().add(new BilledAttempt(served.provider(), served.model(), served.tier(),
                    completion.usage(), BilledAttempt.ESCALATED));
            exchange.facts().escalations().add(new Escalation(served.tier(), served.model(), next, cause));
            return tier(next);
        }

        private CompletionStage<Answer> kept(Served served, Answer answer) {
            if (served != null) {
                exchange.facts().served().setIfAbsent(new Served(served.provider(), served.model(), served.tier(),
                        attempts, served.fallbackFrom()));
            }
            return CompletableFuture.completedFuture(answer);
        }

        /** The request as one dispatch to {@code tier} sees it: its own facts, with that tier's route. */
        private Exchange attemptOn(String tier) {
            RequestFacts facts = new RequestFacts();
            List<String> models = alias.tiers().get(tier);
            facts.route().set(new RouteDecision(route.alias(), tier, models == null || models.isEmpty() ? null
                    : models.getFirst(), null, RouteCause.CASCADE, null, route.gates()));
            Long promptTokens = exchange.facts().promptTokens().get();
            if (promptTokens != null) {
                facts.promptTokens().set(promptTokens);
            }
            return new Exchange(exchange.requestId(), exchange.caller(), exchange.request(),
                    exchange.cacheDirectives(), exchange.executor(), exchange.deadline(), facts,
                    exchange.cancellation());
        }

        private void carryOverBilled(RequestFacts attemptFacts) {
            for (BilledAttempt billed; (billed = attemptFacts.billedAttempts().poll()) != null; ) {
                exchange.facts().billedAttempts().add(billed);
            }
        }
    }
}
