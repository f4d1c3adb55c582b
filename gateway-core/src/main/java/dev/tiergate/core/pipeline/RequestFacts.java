package dev.tiergate.core.pipeline;

import dev.tiergate.core.accounting.UsageRecord;
import dev.tiergate.core.embedding.PromptEmbedding;
import dev.tiergate.core.routing.Escalation;
import dev.tiergate.core.routing.RouteDecision;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The typed facts one request gathers on its way: each is set once, by the one part that
 * establishes it, and read by later stages and by the server, which alone turns them into
 * response headers, log fields, metrics and usage records.
 *
 * <ul>
 *   <li>{@link #promptEmbedding()}: the last user message's embedding (semantic cache or router,
 *       whichever computes it first), shared so that it is computed once;</li>
 *   <li>{@link #exactCache()}, {@link #semanticCache()}: what each cache layer did;</li>
 *   <li>{@link #route()}: the complexity router's decision for an alias;</li>
 *   <li>{@link #served()}: who answered (a cache, or the provider and model after retries and fallbacks);</li>
 *   <li>{@link #budgetWarnings()}: soft-budget warnings from the limits;</li>
 *   <li>{@link #usage()}: the priced usage record, once the answer is complete;</li>
 *   <li>{@link #texts()}: the prompt and answer text, only for teams that log prompts;</li>
 *   <li>{@link #billedAttempts()}, {@link #attemptUsage()}: attempts the provider may bill although
 *       their answer was not given (a list: a request may make several), and their usage records;</li>
 *   <li>{@link #shadowCheckOf()}: set when this request is a shadow call of the semantic cache's
 *       online verification, to the id of the served hit it checks.</li>
 *   <li>{@link #escalations()}: the escalations of a cascaded request, in order.</li>
 * </ul>
 */
public final class RequestFacts {
    private final Fact<PromptEmbedding> promptEmbedding = new Fact<>("promptEmbedding");
    private final Fact<CacheLookup> exactCache = new Fact<>("exactCache");
    private final Fact<CacheLookup> semanticCache = new Fact<>("semanticCache");
    private final Fact<RouteDecision> route = new Fact<>("route");
    private final Fact<Served> served = new Fact<>("served");
    private final Fact<List<String>> budgetWarnings = new Fact<>("budgetWarnings");
    private final Fact<String> degradedTier = new Fact<>("degradedTier");
    private final Fact<UsageRecord> usage = new Fact<>("usage");
    private final Fact<LoggedTexts> texts = new Fact<>("texts");
    private final Fact<Long> promptTokens = new Fact<>("promptTokens");
    private final Fact<String> shadowCheckOf = new Fact<>("shadowCheckOf");
    private final Queue<BilledAttempt> billedAttempts = new ConcurrentLinkedQueue<>();
    private final Queue<UsageRecord> attemptUsage = new ConcurrentLinkedQueue<>();
    private final Queue<Escalation> escalations = new ConcurrentLinkedQueue<>();

    public Fact<PromptEmbedding> promptEmbedding() {
        return promptEmbedding;
    }

    public Fact<CacheLookup> exactCache() {
        return exactCache;
    }

    public Fact<CacheLookup> semanticCache() {
        return semanticCache;
    }

    public Fact<RouteDecision> route() {
        return route;
    }

    public Fact<Served> served() {
        return served;
    }

    /** The request's input tokens as the gateway's own tokenizer counts them, once counted (for its reservation). */
    public Fact<Long> promptTokens() {
        return promptTokens;
    }

    /**
     * The request id of the semantic cache hit this request checks, when it is a shadow call of
     * online verification (set by whoever makes the call, before the pipeline runs): accounting
     * prices it under {@code shadow_check}; no client sees its answer.
     */
    public Fact<String> shadowCheckOf() {
        return shadowCheckOf;
    }

    public Fact<List<String>> budgetWarnings() {
        return budgetWarnings;
    }

    /**
     * The tier an alias request is held to because its team is past its soft budget and degrades
     * ({@code on-budget: degrade}): the limits set it, the router steps aside, the dispatcher serves
     * that tier only (no escalation).
     */
    public Fact<String> degradedTier() {
        return degradedTier;
    }

    public Fact<UsageRecord> usage() {
        return usage;
    }

    public Fact<LoggedTexts> texts() {
        return texts;
    }

    /** Upstream attempts the provider may bill whose answer the client did not get (the dispatcher adds them). */
    public Queue<BilledAttempt> billedAttempts() {
        return billedAttempts;
    }

    /** The priced usage records of {@link #billedAttempts()} (accounting adds them). */
    public Queue<UsageRecord> attemptUsage() {
        return attemptUsage;
    }

    /** The escalations of a cascaded request, in order (the cascade adds them; empty: none). */
    public Queue<Escalation> escalations() {
        return escalations;
    }

    /** Tokens and nano-dollars a request was charged. */
    public record Charged(long tokens, long costNanos) {
    }

    /** Everything this request was charged: its answer and its billed attempts. */
    public Charged charged() {
        long tokens = 0;
        long nanos = 0;
        UsageRecord main = usage.get();
        if (main != null) {
            tokens += main.totalTokens();
            nanos += main.costNanos();
        }
        for (UsageRecord extra : attemptUsage) {
            tokens += extra.totalTokens();
            nanos += extra.costNanos();
        }
        return new Charged(tokens, nanos);
    }

    /**
     * The request's cache outcome over both layers (the value of {@code x-tiergate-cache}): a hit
     * of either layer, else bypass when a layer was bypassed, else miss when one looked; null when
     * no cache took part.
     */
    public CacheLookup cache() {
        CacheLookup exact = exactCache.get();
        CacheLookup semantic = semanticCache.get();
        if (exact != null && exact.isHit()) {
            return exact;
        }
        if (semantic != null && semantic.isHit()) {
            return semantic;
        }
        if (exact != null && exact.outcome() == CacheOutcome.BYPASS) {
            return exact;
        }
        if (semantic != null && semantic.outcome() == CacheOutcome.BYPASS) {
            return semantic;
        }
        return exact != null ? exact : semantic;
    }

    /** The tier that answered, or the router's (or the budget's) when nothing answered (yet). */
    public String tier() {
        Served s = served.get();
        if (s != null && s.tier() != null) {
            return s.tier();
        }
        RouteDecision decision = route.get();
        return decision != null ? decision.tier() : degradedTier.get();
    }
}
